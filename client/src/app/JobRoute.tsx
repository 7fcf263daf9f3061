import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react'
import type { ImageRecord } from '@loupe/model'
import { useThumbnailUrl } from '../data/hooks'
import { useJobDocument, useRoomStatus, useSession } from '../sync/hooks'
import { Avatar } from '../sync/SyncIndicator'
import type { Peer } from '../sync/status'
import { JobEditor } from '../editor/JobEditor'
import { markOpening, OPENING_MARKS } from '../editor/opening-marks'
import { PREVIEW_HOLD_MS } from '../editor/use-shape-preview'
import { permissions } from './session'
import { Shell } from './Shell'

/**
 * `#/project/<id>/job/<jobId>`: the images of the job on the left, `<JobEditor>` (the editor)
 * on the right. Offline and error states are handled here. The editor is mounted as soon as the
 * project is known, while the job document still loads from this device: it paints the stored
 * preview of the image's shapes, read-only, and takes edits once the job is here.
 */
export function JobRoute({
  projectId,
  jobId,
  onSignOut,
}: {
  projectId: string
  jobId: string
  onSignOut: () => void
}) {
  const { role } = useSession()
  const state = useJobDocument(projectId, jobId)
  const { project, job, session } = state
  const status = useRoomStatus(session)
  const [imageIndex, setImageIndex] = useState(0)

  // The job's stored copy is read while the project loads: keep it from being applied (which
  // takes a while for a big job) until the editor knows the image and has asked for its shape
  // preview; the editor's own hold then lasts until the preview is painted (RoomSession).
  const releaseHold = useRef<(() => void) | null>(null)
  useLayoutEffect(() => {
    if (!session) return
    markOpening(OPENING_MARKS.jobOpen)
    const release = session.holdLoad(PREVIEW_HOLD_MS)
    releaseHold.current = release
    return release
  }, [session])
  const projectKnown = !!state.project
  useEffect(() => {
    // Runs after the editor's effects (children first): it has asked for its preview by now.
    if (projectKnown) releaseHold.current?.()
  }, [projectKnown])
  const [, setTick] = useState(0)

  // The project's images change under us (others add or move images): re-read on change.
  useEffect(() => project?.onChange(() => setTick((t) => t + 1)), [project])
  const images = project ? project.jobImages(jobId) : []
  const jobRecord = project?.getJob(jobId)
  const current = images[Math.min(imageIndex, Math.max(0, images.length - 1))]

  // Presence: which image this user is on.
  useEffect(() => {
    if (!session) return
    session.setPresence({ image: current ? { id: current.id, name: current.name } : null })
  }, [session, current?.id, current?.name, current])

  const peersByImage = useMemo(() => {
    const map = new Map<string, Peer[]>()
    for (const peer of status?.peers ?? []) {
      if (!peer.image) continue
      map.set(peer.image.id, [...(map.get(peer.image.id) ?? []), peer])
    }
    return map
  }, [status?.peers])

  const crumbs = [
    { label: 'Projects', route: { name: 'projects' as const } },
    {
      label: project?.getMeta().name || 'Project',
      route: { name: 'project' as const, projectId },
    },
    { label: jobRecord?.name ?? 'Job' },
  ]

  return (
    <Shell crumbs={crumbs} onSignOut={onSignOut} wide>
      {!project ? (
        <div className="placeholder-state" role={state.state === 'error' ? 'alert' : undefined}>
          {state.state === 'loading' ? <p>Opening the job…</p> : <p>{state.message}</p>}
          <a href={`#/project/${projectId}`}>Back to the project</a>
        </div>
      ) : (
        <div className="job-layout">
          <aside className="job-images" aria-label="Images of this job">
            <h2>
              Images <span className="count">{images.length}</span>
            </h2>
            <ol className="image-strip" data-testid="job-images">
              {images.map((image, i) => (
                <ImageItem
                  key={image.id}
                  image={image}
                  selected={image.id === current?.id}
                  peers={peersByImage.get(image.id) ?? []}
                  onSelect={() => setImageIndex(i)}
                />
              ))}
            </ol>
          </aside>
          {session && (state.state === 'loading' || (state.state === 'ready' && job)) ? (
            <JobEditor
              projectId={projectId}
              jobId={jobId}
              project={project}
              job={state.state === 'ready' ? job : null}
              images={images}
              imageIndex={Math.min(imageIndex, Math.max(0, images.length - 1))}
              onImageIndexChange={setImageIndex}
              session={session}
              readOnly={permissions(role).readOnly || (job?.readOnly ?? false)}
            />
          ) : (
            <section
              className="editor-slot placeholder-state"
              role={state.state === 'error' ? 'alert' : undefined}
            >
              <p>{state.state === 'loading' ? 'Opening the job…' : state.message}</p>
            </section>
          )}
        </div>
      )}
    </Shell>
  )
}

function ImageItem({
  image,
  selected,
  peers,
  onSelect,
}: {
  image: ImageRecord
  selected: boolean
  peers: Peer[]
  onSelect: () => void
}) {
  // Download the full image (for its thumbnail) only once the item scrolls into view.
  const ref = useRef<HTMLLIElement>(null)
  const [visible, setVisible] = useState(false)
  useEffect(() => {
    const element = ref.current
    if (!element || visible) return
    const observer = new IntersectionObserver(
      (entries) => {
        if (entries.some((e) => e.isIntersecting)) setVisible(true)
      },
      { rootMargin: '200px' },
    )
    observer.observe(element)
    return () => observer.disconnect()
  }, [visible])
  const { url } = useThumbnailUrl(image.sha256, { download: visible })
  return (
    <li ref={ref}>
      <button
        type="button"
        className={selected ? 'image-item selected' : 'image-item'}
        aria-current={selected ? 'true' : undefined}
        onClick={onSelect}
      >
        <span className="thumb">{url ? <img src={url} alt="" /> : null}</span>
        <span className="image-name">{image.name}</span>
        {peers.length > 0 && (
          <span className="avatars">
            {peers.map((p) => (
              <Avatar key={p.userId} name={p.name} color={p.color} />
            ))}
          </span>
        )}
      </button>
    </li>
  )
}
