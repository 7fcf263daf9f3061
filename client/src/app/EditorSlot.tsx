import type { ImageRecord, JobDocument, ProjectDocument } from '@loupe/model'
import { useImageBlob } from '../data/hooks'
import type { RoomSession } from '../sync/room'

/** What the editor gets from the job route. */
export interface EditorSlotProps {
  projectId: string
  jobId: string
  project: ProjectDocument
  job: JobDocument
  /** The job's images in order (DESIGN.md §2: natural order of name). */
  images: readonly ImageRecord[]
  imageIndex: number
  onImageIndexChange: (index: number) => void
  /** The job room: `session.awareness` / `session.setPresence` for cursors and selection. */
  session: RoomSession
  readOnly: boolean
}

/**
 * PLACEHOLDER for the editor engineer: replace this component with the WebGL editor
 * (client/src/editor/). It shows the current image and counts, nothing more. The job route
 * keeps rendering `<EditorSlot {...props} />`.
 */
export function EditorSlot({ job, images, imageIndex, readOnly }: EditorSlotProps) {
  const image = images[imageIndex] ?? null
  const { url, state, error } = useImageBlob(image?.sha256 ?? null)
  const shapes = image ? job.listShapes(image.id).length : 0
  return (
    <section className="editor-slot" data-testid="editor-slot" aria-label="Editor">
      {!image ? (
        <p className="muted">This job has no images.</p>
      ) : (
        <>
          <div className="editor-stage">
            {url ? (
              <img src={url} alt={image.name} />
            ) : (
              <p className="muted">{state === 'error' ? error : 'Loading image…'}</p>
            )}
          </div>
          <p className="muted editor-caption">
            {image.name} · {image.width}×{image.height} · {shapes} shapes
            {readOnly ? ' · view only' : ''} — the editor will render here.
          </p>
        </>
      )}
    </section>
  )
}
