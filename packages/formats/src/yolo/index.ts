// Placeholder until the YOLO 1.1 (Darknet) module lands: detects nothing, refuses to read or write.
import type { FormatModule } from '../format'

export const yolo: FormatModule = {
  id: 'yolo',
  name: 'YOLO 1.1 (Darknet)',
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
    throw new Error('YOLO 1.1 (Darknet) import is not built yet')
  },
  write: () => {
    throw new Error('YOLO 1.1 (Darknet) export is not built yet')
  },
}
