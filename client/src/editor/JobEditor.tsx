// The editor mounted in the app's job route: adapts the route's props (JobEditorProps) to the
// Editor's, with images from the local blob store and presence from the job room's awareness.

import { useCallback, useEffect, useMemo } from 'react'
import type { ImageRecord, JobDocument, ProjectDocument } from '@loupe/model'
import type { RoomSession } from '../sync/room'
import { useImageServices } from '../data/hooks'
import type { EditorUser } from './controller'
import { Editor } from './Editor'
import { markOpening, OPENING_MARKS } from './opening-marks'
import { useShapePreview } from './use-shape-preview'

function localUser(state: Record<string, unknown> | null): EditorUser {
  const user = state?.user as Partial<EditorUser> | undefined
  return {
    id: typeof user?.id === 'string' ? user.id : 'anonymous',
    name: typeof user?.name === 'string' ? user.name : 'Me',
    color: typeof user?.color === 'string' ? user.color : '#4f7cff',
  }
}

/** What the editor gets from the job route. */
export interface JobEditorProps {
  projectId: string
  jobId: string
  project: ProjectDocument
  /**
   * Null while the job document loads from this device: the current image is shown with the
   * stored preview of its shapes, read-only (RoomSession.shapePreview), until it is here.
   */
  job: JobDocument | null
  /** The job's images in order (DESIGN.md §2: natural order of name). */
  images: readonly ImageRecord[]
  imageIndex: number
  onImageIndexChange: (index: number) => void
  /** The job room: `session.awareness` / `session.setPresence` for cursors and selection. */
  session: RoomSession
  readOnly: boolean
}

export function JobEditor(props: JobEditorProps) {
  const { images, imageIndex, onImageIndexChange, session, job } = props
  const imageId = images[imageIndex]?.id ?? null
  const preview = useShapePreview(session, props.project, props.jobId, imageId, job !== null)
  const loaded = job !== null
  useEffect(() => {
    if (loaded) markOpening(OPENING_MARKS.documentLoaded)
  }, [loaded])
  const { blobs } = useImageServices()
  const loadImage = useCallback((image: ImageRecord) => blobs.get(image.sha256), [blobs])
  const user = useMemo(() => localUser(session.awareness.getLocalState()), [session])
  const onImageChange = useCallback(
    (id: string) => {
      const i = images.findIndex((image) => image.id === id)
      if (i >= 0) onImageIndexChange(i)
    },
    [images, onImageIndexChange],
  )
  return (
    <section className="editor-slot ed-host" data-testid="editor-slot" aria-label="Editor">
      <Editor
        project={props.project}
        job={job}
        preview={job ? null : preview}
        images={images}
        imageId={imageId}
        onImageChange={onImageChange}
        loadImage={loadImage}
        awareness={session.awareness}
        user={user}
        readOnly={props.readOnly}
        // The job route lists the images (with who is on each) beside the editor.
        imageStrip={false}
      />
    </section>
  )
}
