// Placeholder until the CVAT for images 1.1 module lands: detects nothing, refuses to read or write.
import type { FormatModule } from '../format'

export const cvat: FormatModule = {
  id: 'cvat',
  name: 'CVAT for images 1.1',
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
    throw new Error('CVAT for images 1.1 import is not built yet')
  },
  write: () => {
    throw new Error('CVAT for images 1.1 export is not built yet')
  },
}
