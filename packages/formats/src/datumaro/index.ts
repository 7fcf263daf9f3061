// Datumaro 1.0 (JSON), as Datumaro and CVAT write it.
import type { Dataset } from '../dataset'
import type { FormatModule, ReportEntry } from '../format'
import { findDatumaroSources, readDatumaro } from './read'
import { writeDatumaro } from './write'

const NAME = 'Datumaro 1.0'

/** Datumaro's `group: 0` means no group: a group id of 0 or less does not survive. */
function report(dataset: Dataset): ReportEntry[] {
  let lost = 0
  for (const image of dataset.images) {
    for (const ann of image.annotations) if (ann.group !== undefined && ann.group <= 0) lost++
  }
  if (lost === 0) return []
  const detail = `${NAME}: group 0 means no group; group ids of 0 or less are not kept`
  return [{ kind: 'dropped', what: 'groups', count: lost, detail }]
}

export const datumaro: FormatModule = {
  id: 'datumaro',
  name: NAME,
  capabilities: {
    shapes: ['rectangle', 'polygon', 'polyline', 'points', 'ellipse', 'mask', 'skeleton'],
    // values with their names; declarations are names only, so types are inferred on import
    attributes: true,
    tags: true,
    rotation: true,
    occluded: true,
    zOrder: true,
    // as they are, except ids of 0 or less (see report)
    groups: true,
    captions: true,
    subsets: true,
    colors: true,
  },
  detect: (files) => (findDatumaroSources(files).length > 0 ? 0.9 : 0),
  read: readDatumaro,
  write: writeDatumaro,
  report,
}
