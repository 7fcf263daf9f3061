// Datumaro 1.0 (JSON), as Datumaro and CVAT write it.
import type { FormatModule } from '../format'
import { findDatumaroSources, readDatumaro } from './read'
import { writeDatumaro } from './write'

export const datumaro: FormatModule = {
  id: 'datumaro',
  name: 'Datumaro 1.0',
  capabilities: {
    shapes: ['rectangle', 'polygon', 'polyline', 'points', 'ellipse', 'mask', 'skeleton'],
    // values with their names; declarations are names only, so types are inferred on import
    attributes: true,
    tags: true,
    rotation: true,
    occluded: true,
    zOrder: true,
    groups: true,
    captions: true,
    subsets: true,
    colors: true,
  },
  detect: (files) => (findDatumaroSources(files).length > 0 ? 0.9 : 0),
  read: readDatumaro,
  write: writeDatumaro,
}
