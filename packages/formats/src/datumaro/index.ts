// Placeholder until the Datumaro 1.0 module lands: detects nothing, refuses to read or write.
import type { FormatModule } from '../format'

export const datumaro: FormatModule = {
  id: 'datumaro',
  name: 'Datumaro 1.0',
  capabilities: {
    shapes: [],
    attributes: false,
    tags: false,
    rotation: false,
    occluded: false,
    zOrder: false,
    groups: false,
    captions: false,
    subsets: false,
    colors: false,
  },
  detect: () => 0,
  read: () => {
    throw new Error('Datumaro 1.0 import is not built yet')
  },
  write: () => {
    throw new Error('Datumaro 1.0 export is not built yet')
  },
}
