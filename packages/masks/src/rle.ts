// COCO-style RLE (DESIGN.md §5): `counts` alternate runs of 0 and 1, starting with a run of 0
// (possibly empty), over the pixels of an h × w box in column-major order (index = x * h + y).

/** An uncompressed RLE over an h × w box: `size` is `[h, w]` as COCO writes it. */
export interface Rle {
  size: [number, number]
  counts: number[]
}

/** A binary image in row-major order: `data[y * width + x]` is non-zero where set. */
export interface Bitmap {
  width: number
  height: number
  data: Uint8Array
}

/** A whole-pixel box, x2/y2 exclusive. */
export interface PixelBox {
  x1: number
  y1: number
  x2: number
  y2: number
}

export class RleError extends Error {
  override name = 'RleError'
}

/** Checks that counts are non-negative integers that cover exactly h × w pixels. */
export function checkRle(rle: Rle): void {
  const [h, w] = rle.size
  if (!Number.isInteger(h) || !Number.isInteger(w) || h < 0 || w < 0) {
    throw new RleError(`size: expected two non-negative integers, got [${String(rle.size)}]`)
  }
  let total = 0
  for (let i = 0; i < rle.counts.length; i++) {
    const run = rle.counts[i]!
    if (!Number.isInteger(run) || run < 0) {
      throw new RleError(`counts[${i}]: expected a non-negative integer, got ${run}`)
    }
    total += run
  }
  if (total !== h * w) {
    throw new RleError(`counts: runs cover ${total} pixels, expected ${h} × ${w} = ${h * w}`)
  }
}

/** Decodes into a row-major bitmap; set pixels get `value` (1, or 255 for a texture upload). */
export function rleToBitmap(rle: Rle, value = 1): Bitmap {
  const [h, w] = rle.size
  const data = new Uint8Array(w * h)
  let i = 0
  let on = false
  for (const run of rle.counts) {
    if (on) {
      const end = Math.min(i + run, w * h)
      for (let k = i; k < end; k++) {
        const x = (k / h) | 0
        data[(k - x * h) * w + x] = value
      }
    }
    i += run
    on = !on
  }
  return { width: w, height: h, data }
}

/** Encodes a row-major bitmap (non-zero = set). */
export function bitmapToRle(bitmap: Bitmap): Rle {
  const { width: w, height: h, data } = bitmap
  const counts: number[] = []
  let on = false
  let run = 0
  for (let x = 0; x < w; x++) {
    for (let y = 0; y < h; y++) {
      const v = data[y * w + x] !== 0
      if (v !== on) {
        counts.push(run)
        run = 0
        on = v
      }
      run++
    }
  }
  counts.push(run)
  return { size: [h, w], counts }
}

/** Number of set pixels. */
export function rleArea(rle: Rle): number {
  let area = 0
  for (let i = 1; i < rle.counts.length; i += 2) area += rle.counts[i]!
  return area
}

/** The tight box of the set pixels of a bitmap, or null when none is set. */
export function bitmapBounds(bitmap: Bitmap): PixelBox | null {
  const { width: w, height: h, data } = bitmap
  let x1 = w
  let y1 = h
  let x2 = -1
  let y2 = -1
  for (let y = 0; y < h; y++) {
    const row = y * w
    for (let x = 0; x < w; x++) {
      if (data[row + x] === 0) continue
      if (x < x1) x1 = x
      if (x > x2) x2 = x
      if (y < y1) y1 = y
      y2 = y
    }
  }
  return x2 < 0 ? null : { x1, y1, x2: x2 + 1, y2: y2 + 1 }
}

/** Copies the pixels of `box` (clipped to the bitmap) into a bitmap of the box's size. */
export function cropBitmap(bitmap: Bitmap, box: PixelBox): Bitmap {
  const width = box.x2 - box.x1
  const height = box.y2 - box.y1
  const data = new Uint8Array(width * height)
  for (let y = Math.max(0, box.y1); y < Math.min(box.y2, bitmap.height); y++) {
    for (let x = Math.max(0, box.x1); x < Math.min(box.x2, bitmap.width); x++) {
      data[(y - box.y1) * width + (x - box.x1)] = bitmap.data[y * bitmap.width + x]! ? 1 : 0
    }
  }
  return { width, height, data }
}

/**
 * A mask over a whole image (COCO's RLE of a `segmentation`) → Loupe's form: the tight pixel box
 * and an RLE over that box. Null when the mask is empty.
 */
export function imageRleToShape(rle: Rle): { box: PixelBox; rle: Rle } | null {
  const full = rleToBitmap(rle)
  const box = bitmapBounds(full)
  if (!box) return null
  return { box, rle: bitmapToRle(cropBitmap(full, box)) }
}

/** Loupe's box-relative mask → an RLE over a whole `width` × `height` image (for COCO). */
export function shapeRleToImage(rle: Rle, box: PixelBox, width: number, height: number): Rle {
  const local = rleToBitmap(rle)
  const data = new Uint8Array(width * height)
  for (let y = 0; y < local.height; y++) {
    const iy = y + box.y1
    if (iy < 0 || iy >= height) continue
    for (let x = 0; x < local.width; x++) {
      const ix = x + box.x1
      if (ix < 0 || ix >= width) continue
      if (local.data[y * local.width + x]) data[iy * width + ix] = 1
    }
  }
  return bitmapToRle({ width, height, data })
}

/**
 * COCO's compressed RLE string (pycocotools `rleToString`): each count, after the third as a
 * difference from the count two before it, in 5-bit groups with a continuation bit, offset by 48.
 */
export function rleCountsToString(counts: readonly number[]): string {
  let out = ''
  for (let i = 0; i < counts.length; i++) {
    let x = counts[i]!
    if (i > 2) x -= counts[i - 2]!
    let more = true
    while (more) {
      let c = x & 0x1f
      x = Math.floor(x / 32)
      more = c & 0x10 ? x !== -1 : x !== 0
      if (more) c |= 0x20
      out += String.fromCharCode(c + 48)
    }
  }
  return out
}

/** Inverse of `rleCountsToString`; throws RleError naming the offset of a malformed character. */
export function rleCountsFromString(text: string): number[] {
  const counts: number[] = []
  let p = 0
  while (p < text.length) {
    let x = 0
    let scale = 1
    let more = true
    let c = 0
    while (more) {
      if (p >= text.length) throw new RleError(`counts: string ends inside a number at ${p}`)
      c = text.charCodeAt(p) - 48
      if (c < 0 || c > 63) {
        throw new RleError(`counts: unexpected character ${JSON.stringify(text[p])} at ${p}`)
      }
      x += (c & 0x1f) * scale
      scale *= 32
      more = (c & 0x20) !== 0
      p++
    }
    if (c & 0x10) x -= scale
    if (counts.length > 2) x += counts[counts.length - 2]!
    counts.push(x)
  }
  return counts
}
