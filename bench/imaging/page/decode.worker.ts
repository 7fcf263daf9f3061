/// <reference lib="dom" />
// Decodes an image the ways the SAM and thumbnail workers do (their own code, imported as is).
import { decodePngDownscaled, PngDecodeError } from '@loupe/imaging'
import { modelInputSize } from '@loupe/sam'
import { bitmapPixels, decodeForEncoder } from '../../../worker/src/sam-image-decode'
import { decodeForThumbnail } from '../../../worker/src/thumbnail-decode'
import type { DecodeRequest, DecodeResult } from './protocol'

/** The worker's scope (typed loosely: bench/ is checked with the DOM library, not WebWorker's). */
const scope = self as unknown as {
  onmessage: ((event: MessageEvent<DecodeRequest>) => void) | null
  postMessage(message: DecodeResult, transfer?: Transferable[]): void
}

/** The blob's bytes in pieces of `size` (the last may be shorter). */
async function* inPieces(blob: Blob, size: number): AsyncGenerator<Uint8Array> {
  const bytes = new Uint8Array(await blob.arrayBuffer())
  for (let at = 0; at < bytes.length; at += size) yield bytes.slice(at, at + size)
}

async function decode(request: DecodeRequest): Promise<DecodeResult> {
  const { url, path, maxSize } = request
  const blob = await (await fetch(url)).blob()
  const start = performance.now()
  if (path === 'none') {
    return { ok: true, via: 'none', width: 0, height: 0, data: new Uint8ClampedArray(0), ms: 0 }
  }
  if (path === 'encoder') {
    const decoded = await decodeForEncoder(blob)
    if (!decoded) throw new Error('no readable image header')
    const { pixels, original, via } = decoded
    const data = new Uint8ClampedArray(pixels.data)
    return { ok: true, via, ...pixels, data, original, ms: performance.now() - start }
  }
  if (path === 'png') {
    const source = request.pieceSize ? inPieces(blob, request.pieceSize) : blob.stream()
    const png = await decodePngDownscaled(source, request.target ?? modelInputSize, {
      inflater: request.inflater ?? 'auto',
    })
    const { width, height, data, inflater } = png
    return { ok: true, via: 'png', inflater, width, height, data, ms: performance.now() - start }
  }
  if (path === 'thumbnail') {
    const thumb = await decodeForThumbnail(blob, maxSize ?? 256)
    const { width, height } = thumb
    const data = thumb.via === 'png-stream' ? thumb.data : bitmapPixels(thumb.bitmap, thumb).data
    if (thumb.via !== 'png-stream') thumb.bitmap.close()
    return {
      ok: true,
      via: thumb.via,
      width,
      height,
      data: new Uint8ClampedArray(data),
      ms: performance.now() - start,
    }
  }
  // The SAM worker's PNG path before the streaming decoder.
  const probe = await createImageBitmap(blob)
  const original = { width: probe.width, height: probe.height }
  probe.close()
  const target = modelInputSize(original)
  const bitmap = await createImageBitmap(blob, {
    resizeWidth: target.width,
    resizeHeight: target.height,
    resizeQuality: 'high',
  })
  const pixels = bitmapPixels(bitmap, target)
  bitmap.close()
  const data = new Uint8ClampedArray(pixels.data)
  return { ok: true, via: 'bitmap', ...target, original, data, ms: performance.now() - start }
}

scope.onmessage = (event: MessageEvent<DecodeRequest>) => {
  decode(event.data).then(
    (result) => scope.postMessage(result, result.ok ? [result.data.buffer] : []),
    (error: unknown) =>
      scope.postMessage({
        ok: false,
        name: error instanceof Error ? error.name : 'Error',
        message: error instanceof Error ? error.message : String(error),
        ...(error instanceof PngDecodeError && { code: error.code, place: { ...error.place } }),
      } satisfies DecodeResult),
  )
}
