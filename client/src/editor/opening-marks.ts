// Timeline marks of opening a job, for bench/first-paint and the browser tests: each is a
// `performance.mark` (time since navigation start, read with getEntriesByName) and a window
// event of the same name, dispatched synchronously (a listener may still read the frame's
// pixels from `detail.canvas`).

export const OPENING_MARKS = {
  /** The job route has its job room (the stored copy is being read). */
  jobOpen: 'loupe:job-open',
  /** The editor asked for the stored preview of the image's shapes. */
  previewAsked: 'loupe:preview-asked',
  /** The stored preview is read (detail.shapes) and handed to the canvas. */
  previewRead: 'loupe:preview-read',
  /** The canvas's WebGL renderer is created. */
  rendererReady: 'loupe:renderer-ready',
  /** The first frame that draws shapes of the opened job (detail.source: preview or document). */
  firstShapesFrame: 'loupe:first-shapes-frame',
  /** The first frame that draws the live document's shapes (the preview replaced). */
  documentFrame: 'loupe:document-shapes-frame',
  /** The job document is loaded and the editor takes edits. */
  documentLoaded: 'loupe:job-document-loaded',
} as const

export interface OpeningDetail {
  source?: 'preview' | 'document'
  shapes?: number
  canvas?: HTMLCanvasElement
}

export function markOpening(name: string, detail: OpeningDetail = {}): void {
  if (typeof performance === 'undefined' || typeof window === 'undefined') return
  const { canvas, ...plain } = detail
  performance.mark(name, { detail: plain })
  window.dispatchEvent(new CustomEvent(name, { detail: { ...plain, canvas } }))
}
