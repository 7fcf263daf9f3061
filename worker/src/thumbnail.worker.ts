/// <reference lib="webworker" />
import { decodeForThumbnail } from './thumbnail-decode'
import type { ThumbnailRequest, ThumbnailResponse } from './thumbnail-protocol'

/**
 * Makes image thumbnails off the main thread: decode at (or near) thumbnail size
 * (thumbnail-decode.ts: PNGs streamed and area-averaged, JPEGs at a reduced scale, others whole
 * through createImageBitmap), scale on an OffscreenCanvas, encode as WebP (JPEG where WebP
 * encoding is missing).
 */
declare const self: DedicatedWorkerGlobalScope

async function makeThumbnail({ id, blob, maxSize }: ThumbnailRequest): Promise<ThumbnailResponse> {
  const image = await decodeForThumbnail(blob, maxSize)
  try {
    const { width, height } = image
    const canvas = new OffscreenCanvas(width, height)
    const context = canvas.getContext('2d')
    if (!context) throw new Error('no 2D context in this worker')
    if (image.via === 'png-stream') {
      context.putImageData(new ImageData(image.data, width, height), 0, 0)
    } else {
      context.imageSmoothingQuality = 'high'
      context.drawImage(image.bitmap, 0, 0, width, height)
    }
    let out = await canvas.convertToBlob({ type: 'image/webp', quality: 0.8 })
    if (out.type !== 'image/webp')
      out = await canvas.convertToBlob({ type: 'image/jpeg', quality: 0.82 })
    return { id, ok: true, blob: out, width, height }
  } finally {
    if (image.via !== 'png-stream') image.bitmap.close()
  }
}

self.onmessage = (event: MessageEvent<ThumbnailRequest>) => {
  makeThumbnail(event.data).then(
    (response) => self.postMessage(response),
    (error: unknown) =>
      self.postMessage({
        id: event.data.id,
        ok: false,
        error: error instanceof Error ? error.message : String(error),
      } satisfies ThumbnailResponse),
  )
}
