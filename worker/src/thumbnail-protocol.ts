/** Messages between the page and the thumbnail worker. */
export interface ThumbnailRequest {
  id: number
  blob: Blob
  /** Longest side of the thumbnail, in pixels. */
  maxSize: number
}

export type ThumbnailResponse =
  | { id: number; ok: true; blob: Blob; width: number; height: number }
  | { id: number; ok: false; error: string }

/** The thumbnail size that fits `maxSize` on its longest side (never upscaled, at least 1 px). */
export function fitWithin(
  width: number,
  height: number,
  maxSize: number,
): { width: number; height: number } {
  const scale = Math.min(1, maxSize / Math.max(width, height))
  return {
    width: Math.max(1, Math.round(width * scale)),
    height: Math.max(1, Math.round(height * scale)),
  }
}
