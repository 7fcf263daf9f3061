// Placeholder until the COCO 1.0 module lands: detects nothing, refuses to read or write.
import type { FormatModule } from '../format'

export const coco: FormatModule = {
  id: 'coco',
  name: 'COCO 1.0',
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
    throw new Error('COCO 1.0 import is not built yet')
  },
  write: () => {
    throw new Error('COCO 1.0 export is not built yet')
  },
}
