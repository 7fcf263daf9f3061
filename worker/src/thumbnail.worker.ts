/// <reference lib="webworker" />
import { fitWithin } from './thumbnail-protocol'
import type { ThumbnailRequest, ThumbnailResponse } from './thumbnail-protocol'

/**
 * Makes image thumbnails off the main thread: decode (createImageBitmap), scale on an
 * OffscreenCanvas, encode as WebP (JPEG where WebP encoding is missing).
 */
declare const self: DedicatedWorkerGlobalScope

async function makeThumbnail({ id, blob, maxSize }: ThumbnailRequest): Promise<ThumbnailResponse> {
  const bitmap = await createImageBitmap(blob)
  try {
    const size = fitWithin(bitmap.width, bitmap.height, maxSize)
    const canvas = new OffscreenCanvas(size.width, size.height)
    const context = canvas.getContext('2d')
    if (!context) throw new Error('no 2D context in this worker')
    context.imageSmoothingQuality = 'high'
    context.drawImage(bitmap, 0, 0, size.width, size.height)
    let out = await canvas.convertToBlob({ type: 'image/webp', quality: 0.8 })
    if (out.type !== 'image/webp')
      out = await canvas.convertToBlob({ type: 'image/jpeg', quality: 0.82 })
    return { id, ok: true, blob: out, ...size }
  } finally {
    bitmap.close()
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
