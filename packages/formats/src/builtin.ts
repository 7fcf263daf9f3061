// The formats Loupe ships, registered in one place.
import { coco } from './coco'
import { cvat } from './cvat'
import { datumaro } from './datumaro'
import { labelme } from './labelme'
import { registerFormat } from './registry'
import { ultralytics } from './ultralytics'
import { voc } from './voc'
import { yolo } from './yolo'

export const BUILTIN_FORMATS = [coco, yolo, ultralytics, voc, cvat, labelme, datumaro] as const

for (const format of BUILTIN_FORMATS) registerFormat(format)
