// COCO 1.0 (instances + person_keypoints), as CVAT, Datumaro and Roboflow write it.
import type { FormatModule } from '../format'
import { findCocoSources } from './layout'
import { readCoco } from './read'
import { writeCoco } from './write'

export const coco: FormatModule = {
  id: 'coco',
  name: 'COCO 1.0',
  capabilities: {
    shapes: ['rectangle', 'polygon', 'mask', 'skeleton'],
    converts: { ellipse: 'ellipse → polygon approximation' },
    // values go into each object's `attributes` (CVAT's extension); their types are inferred back
    attributes: true,
    tags: false,
    // CVAT keeps it in `attributes.rotation` and Loupe reads it back, but `bbox` is the unrotated
    // box, which is what training code sees
    rotation: false,
    occluded: true,
    zOrder: false,
    // only polygons of one label survive a group: they become the parts of one object
    groups: false,
    captions: false,
    subsets: true,
    colors: false,
  },
  detect: (files) => Math.max(0, ...findCocoSources(files).map((source) => source.confidence)),
  read: readCoco,
  write: writeCoco,
}
