export {
  RleError,
  bitmapBounds,
  bitmapToRle,
  checkRle,
  cropBitmap,
  imageRleToShape,
  rleArea,
  rleCountsFromString,
  rleCountsToString,
  rleToBitmap,
  shapeRleToImage,
} from './rle'
export type { Bitmap, PixelBox, Rle } from './rle'
export { fillPolygon, polygonToMask } from './polygon-fill'
export { bitmapOutlines, maskToPolygons } from './mask-outline'
export { cvatRleToRle, rleToCvatRle } from './cvat-rle'
export { boxRleToImageRle, imageRleToBoxRle } from './region'
export { pointsBounds, segmentDistance2 } from './geometry'
