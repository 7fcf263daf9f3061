// Placeholder until the Pascal VOC module lands: detects nothing, refuses to read or write.
import type { FormatModule } from '../format'

export const voc: FormatModule = {
  id: 'voc',
  name: 'Pascal VOC',
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
    throw new Error('Pascal VOC import is not built yet')
  },
  write: () => {
    throw new Error('Pascal VOC export is not built yet')
  },
}
