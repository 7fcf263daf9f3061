// Placeholder until the Ultralytics YOLO module lands: detects nothing, refuses to read or write.
import type { FormatModule } from '../format'

export const ultralytics: FormatModule = {
  id: 'ultralytics',
  name: 'Ultralytics YOLO',
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
    throw new Error('Ultralytics YOLO import is not built yet')
  },
  write: () => {
    throw new Error('Ultralytics YOLO export is not built yet')
  },
}
