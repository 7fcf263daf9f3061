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
