import { useLayoutEffect, useState } from 'react'
import type { ProjectDocument } from '@loupe/model'
import type { RoomSession } from '../sync/room'
import { browserStorage } from '../browser-storage'
import type { CanvasPreview } from './CanvasView'
import { markOpening, OPENING_MARKS } from './opening-marks'
import { previewRenderShapes } from './preview-shapes'
import { labelLook } from './shape-mirror'
import { ViewState } from './view-state'

/** `localStorage['loupe.debug.shapePreview'] = 'off'` opens jobs without it (to compare). */
export const PREVIEW_SWITCH = 'loupe.debug.shapePreview'

/**
 * How long the document load may wait for the preview's first frame. Painting 10,000 shapes
 * takes about a second on software WebGL; past this, the document is loaded and drawn instead.
 */
export const PREVIEW_HOLD_MS = 3000

/**
 * While the job document loads: the stored preview of the image's shapes (RoomSession.
 * shapePreview), as render shapes in the labels' colours with this user's hidden shapes hidden.
 * Its `onPainted` lets the document load go on; leaving the image first does too. Once the job
 * is loaded nothing new is asked for (the last value stays, for the editor to adopt).
 */
export function useShapePreview(
  session: RoomSession,
  project: ProjectDocument,
  jobId: string,
  imageId: string | null,
  loaded: boolean,
): CanvasPreview | null {
  const [preview, setPreview] = useState<CanvasPreview | null>(null)
  // A layout effect: it runs before the canvas's (passive) effect creates the WebGL renderer, so
  // the preview is read from IndexedDB while the renderer is set up.
  useLayoutEffect(() => {
    const storage = browserStorage()
    if (loaded || !imageId || storage?.getItem(PREVIEW_SWITCH) === 'off') return
    let cancelled = false
    // Longer than shapePreview's own hold; released with it.
    const hold = session.holdLoad(PREVIEW_HOLD_MS)
    let release = hold
    markOpening(OPENING_MARKS.previewAsked)
    void session.shapePreview(imageId).then((result) => {
      if (!result) return hold()
      markOpening(OPENING_MARKS.previewRead, { shapes: result.shapes.length })
      release = () => {
        result.painted()
        hold()
      }
      if (cancelled) return release()
      const hidden = new ViewState(`loupe.view.${jobId}`, storage).hidden
      const shapes = previewRenderShapes(
        result.shapes,
        (labelId) => labelLook(project, labelId),
        hidden,
      )
      setPreview({ imageId, shapes, onPainted: release })
    })
    return () => {
      cancelled = true
      release()
    }
  }, [session, project, jobId, imageId, loaded])
  return preview
}
