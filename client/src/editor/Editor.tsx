import { useCallback, useEffect, useMemo, useState, type ReactNode } from 'react'
import type { Awareness } from 'y-protocols/awareness'
import type { ImageRecord, JobDocument, ProjectDocument } from '@loupe/model'
import { CanvasView, type CanvasPreview } from './CanvasView'
import { EditorController, type EditorUser } from './controller'
import { HelpDialog } from './HelpDialog'
import { ShortcutsDialog } from './ShortcutsDialog'
import { AttributesPanel } from './panels/AttributesPanel'
import { ImageStrip } from './panels/ImageStrip'
import { LabelsPanel } from './panels/LabelsPanel'
import { ObjectsPanel } from './panels/ObjectsPanel'
import { TagsPanel } from './panels/TagsPanel'
import { LoadingToolbar, Toolbar } from './Toolbar'
import { useImageAdjustments } from './use-image-adjustments'
import { useControllerVersion } from './use-controller'
import { useKeyboard } from './use-keyboard'
import { usePresence } from './use-presence'
import './editor.css'

export interface EditorProps {
  project: ProjectDocument
  /**
   * Null while the job document loads: the canvas then shows `preview` (if any), read-only,
   * with every tool off; the live shapes replace it on the same canvas once the job is here.
   */
  job: JobDocument | null
  preview?: CanvasPreview | null
  /** The job's images in order. */
  images: readonly ImageRecord[]
  imageId: string | null
  onImageChange: (imageId: string) => void
  /** The full image (from IndexedDB or the server). */
  loadImage: (image: ImageRecord) => Promise<Blob | ImageBitmap>
  /** Thumbnails for the image strip; names only when absent. */
  renderThumbnail?: (image: ImageRecord) => ReactNode
  /** The job room's awareness, for cursors, selection and who is on which image. */
  awareness?: Awareness
  user: EditorUser
  /** Viewers: no tools, no writes; selection still works for inspection. */
  readOnly: boolean
  /** Show the image strip (default true); off when the host lists the images itself. */
  imageStrip?: boolean
}

/** The annotation editor: canvas, tools, panels and presence over one job document. */
export function Editor(props: EditorProps) {
  const { project, job, readOnly, images, imageId, onImageChange, user, awareness } = props
  // The preview on the canvas when the job arrives: the mirror keeps what the job confirms.
  const [shown, setShown] = useState<CanvasPreview | null>(null)
  if (!job && props.preview && props.preview !== shown) setShown(props.preview)
  const controller = useMemo(
    () =>
      job
        ? new EditorController({
            project,
            job,
            readOnly,
            storage: typeof localStorage === 'undefined' ? null : localStorage,
            shown,
          })
        : null,
    // `shown` only matters when the job arrives, not when it changes later
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [project, job, readOnly],
  )
  useEffect(() => {
    if (!controller) return
    controller.start()
    return () => controller.stop()
  }, [controller])
  useEffect(() => controller?.setHost({ onImageChange }), [controller, onImageChange])
  useEffect(() => controller?.setImages(images), [controller, images])
  useEffect(() => controller?.setImage(imageId), [controller, imageId])
  useControllerVersion(controller)
  useKeyboard(controller)

  const [adjustments, setAdjustments] = useImageAdjustments()
  const imageAdjust = useMemo(
    () => ({ value: adjustments, onChange: setAdjustments }),
    [adjustments, setAdjustments],
  )

  const image = images.find((i) => i.id === imageId)
  const { peers, onCursor } = usePresence(controller, awareness, user, image?.name)
  const [imageState, setImageState] = useState<{ state: string; message?: string }>({
    state: 'loading',
  })
  const onImageState = useCallback(
    (state: string, message?: string) => setImageState({ state, ...(message ? { message } : {}) }),
    [],
  )

  return (
    <div
      className="ed-root"
      data-testid="editor"
      data-readonly={readOnly || undefined}
      data-loading={!controller || undefined}
    >
      {controller ? (
        <Toolbar controller={controller} imageAdjust={imageAdjust} />
      ) : (
        <LoadingToolbar imageAdjust={imageAdjust} />
      )}
      {readOnly && (
        <div className="ed-notice" role="status" data-testid="view-only">
          View only — you can look and select, not change.
        </div>
      )}
      <div className="ed-body">
        <div className="ed-stage">
          {image ? (
            <CanvasView
              controller={controller}
              preview={props.preview}
              image={image}
              loadImage={props.loadImage}
              onCursor={onCursor}
              onImageState={onImageState}
              imageAdjustments={adjustments}
            />
          ) : (
            <p className="ed-muted ed-empty">This job has no images.</p>
          )}
          {image && !controller && imageState.state === 'ready' && (
            <p className="ed-stage-msg ed-stage-loading" role="status" data-testid="loading-shapes">
              {props.preview ? 'Loading annotations (view only)…' : 'Loading annotations…'}
            </p>
          )}
          {image && imageState.state !== 'ready' && (
            <p className={imageState.state === 'error' ? 'ed-stage-msg error' : 'ed-stage-msg'}>
              {imageState.state === 'error'
                ? `Could not load ${image.name}: ${imageState.message ?? 'unknown error'}`
                : `Loading ${image.name}…`}
            </p>
          )}
          {controller?.toolHint && (
            <p className="ed-tool-hint" role="status" data-testid="tool-hint">
              {controller.toolHint}
            </p>
          )}
          {controller?.error && (
            <div className="ed-error" role="alert">
              {controller.error}
              <button type="button" aria-label="Dismiss" onClick={() => controller.showError(null)}>
                ✕
              </button>
            </div>
          )}
        </div>
        <aside className="ed-side" aria-busy={!controller || undefined}>
          {controller ? (
            <>
              <LabelsPanel controller={controller} />
              <ObjectsPanel controller={controller} />
              <AttributesPanel controller={controller} />
              <TagsPanel controller={controller} />
            </>
          ) : (
            <p className="ed-panel ed-muted">Loading annotations…</p>
          )}
        </aside>
      </div>
      {controller && props.imageStrip !== false && (
        <ImageStrip controller={controller} peers={peers} renderThumbnail={props.renderThumbnail} />
      )}
      {controller?.helpOpen && (
        <HelpDialog
          keys={controller.keys}
          onClose={() => controller.setHelpOpen(false)}
          onCustomize={() => controller.setShortcutsOpen(true)}
        />
      )}
      {controller?.shortcutsOpen && (
        <ShortcutsDialog
          keys={controller.keys}
          onClose={() => controller.setShortcutsOpen(false)}
        />
      )}
    </div>
  )
}
