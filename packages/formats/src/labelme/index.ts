// Placeholder until the LabelMe 3.0 module lands: detects nothing, refuses to read or write.
import type { FormatModule } from '../format'

export const labelme: FormatModule = {
  id: 'labelme',
  name: 'LabelMe 3.0',
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
    throw new Error('LabelMe 3.0 import is not built yet')
  },
  write: () => {
    throw new Error('LabelMe 3.0 export is not built yet')
  },
}
