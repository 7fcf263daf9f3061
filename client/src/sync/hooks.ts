import { createContext, useContext, useEffect, useState, useSyncExternalStore } from 'react'
import { JobDocument, ProjectDocument } from '@loupe/model'
import { jobRoom, projectRoom } from '@loupe/sync-protocol'
import type { Session } from '../app/session'
import { permissions } from '../app/session'
import type { DocumentHub } from './hub'
import type { RoomSession } from './room'
import type { RoomStatus, SyncStatus } from './status'

export interface HubContextValue {
  hub: DocumentHub
  session: Session
}

export const HubContext = createContext<HubContextValue | null>(null)

export function useHubContext(): HubContextValue {
  const value = useContext(HubContext)
  if (!value) throw new Error('useHub* hooks need a <HubContext.Provider>')
  return value
}

export function useHub(): DocumentHub {
  return useHubContext().hub
}

/** The token's role and project. */
export function useSession(): Session {
  return useHubContext().session
}

/** The app-wide sync status: connection, pending changes, who else is here. */
export function useSyncStatus(): SyncStatus {
  const hub = useHub()
  return useSyncExternalStore(
    (fn) => hub.subscribe(fn),
    () => hub.status,
  )
}

/** Opens a room for as long as the component is mounted (ref-counted in the hub). */
export function useRoom(room: string | null): RoomSession | null {
  const hub = useHub()
  const [session, setSession] = useState<RoomSession | null>(null)
  useEffect(() => {
    if (room === null) return
    const opened = hub.acquire(room)
    // eslint-disable-next-line react-hooks/set-state-in-effect -- the session is the external resource this effect opens
    setSession(opened)
    return () => hub.release(room)
  }, [hub, room])
  return session && session.room === room && !session.destroyed ? session : null
}

const noStatus = () => () => {}

/** A room's status (connection, pending, peers), re-rendering when it changes. */
export function useRoomStatus(session: RoomSession | null): RoomStatus | null {
  return useSyncExternalStore(
    session ? (fn) => session.subscribe(fn) : noStatus,
    () => session?.status ?? null,
  )
}

export type DocumentLoadState = 'loading' | 'ready' | 'unavailable' | 'error'

export interface ProjectDocumentState {
  state: DocumentLoadState
  project: ProjectDocument | null
  session: RoomSession | null
  status: RoomStatus | null
  /** For `unavailable` and `error`: what to tell the user. */
  message?: string
}

const hasSchema = (session: RoomSession) => session.doc.getMap('meta').has('schemaVersion')

/** Has this room come as far as it can: loaded locally, and synced or unable to sync? */
function settled(status: RoomStatus): boolean {
  if (!status.localSynced) return false
  return status.serverSynced || status.connection === 'offline' || status.connection === 'denied'
}

function openProject(session: RoomSession, userId: string): ProjectDocument {
  let project = session.cache.get('project') as ProjectDocument | undefined
  if (!project) {
    project = ProjectDocument.open(session.doc, { userId })
    session.cache.set('project', project)
  }
  return project
}

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

/**
 * The project document of `projectId` as the model's `ProjectDocument`, once the local copy is
 * loaded (or, on a first visit, once the server has sent it). Offline with no local copy:
 * `unavailable`.
 */
export function useProjectDocument(projectId: string): ProjectDocumentState {
  const hub = useHub()
  const session = useRoom(projectRoom(projectId))
  const status = useRoomStatus(session)
  if (!session || !status || !status.localSynced) {
    return { state: 'loading', project: null, session, status }
  }
  if (!hasSchema(session)) {
    if (!settled(status)) return { state: 'loading', project: null, session, status }
    return {
      state: 'unavailable',
      project: null,
      session,
      status,
      message:
        status.connection === 'denied'
          ? (status.error ?? 'The server refused access to this project.')
          : status.serverSynced
            ? 'This project does not exist on the server.'
            : 'This project is not available offline yet. Connect once to download it.',
    }
  }
  try {
    return { state: 'ready', project: openProject(session, hub.user.name), session, status }
  } catch (error) {
    return { state: 'error', project: null, session, status, message: describeError(error) }
  }
}

export interface JobDocumentState {
  state: DocumentLoadState
  job: JobDocument | null
  project: ProjectDocument | null
  session: RoomSession | null
  status: RoomStatus | null
  message?: string
}

/**
 * The job document of a job as the model's `JobDocument` (labels and images looked up in the
 * project). A job nobody has opened yet has an empty document: a writer creates its meta
 * (identical values from every writer merge), a viewer sees `unavailable`.
 */
export function useJobDocument(projectId: string, jobId: string): JobDocumentState {
  const hub = useHub()
  const { role } = useSession()
  const projectState = useProjectDocument(projectId)
  const session = useRoom(jobRoom(projectId, jobId))
  const status = useRoomStatus(session)
  const [createError, setCreateError] = useState<string | null>(null)
  const [, setUpdates] = useState(0)
  const project = projectState.project
  const empty = !!session && !hasSchema(session)

  // An empty job document fills when someone else creates it: re-render on its first update.
  useEffect(() => {
    if (!session || !empty) return
    const onUpdate = () => setUpdates((n) => n + 1)
    session.doc.on('update', onUpdate)
    return () => session.doc.off('update', onUpdate)
  }, [session, empty])
  const canWrite = !permissions(role).readOnly
  const needsCreate =
    !!project &&
    !!session &&
    !!status &&
    canWrite &&
    !hasSchema(session) &&
    settled(status) &&
    status.connection !== 'denied'

  useEffect(() => {
    if (!needsCreate || !session || !project || hasSchema(session)) return
    try {
      JobDocument.create(session.doc, { projectId, jobId }, project, { userId: hub.user.name })
    } catch (error) {
      // eslint-disable-next-line react-hooks/set-state-in-effect -- reports a failed write
      setCreateError(describeError(error))
    }
  }, [needsCreate, session, project, projectId, jobId, hub])

  const base = { project, session, status }
  if (projectState.state !== 'ready') {
    return { ...base, state: projectState.state, job: null, message: projectState.message }
  }
  if (!session || !status || !status.localSynced) return { ...base, state: 'loading', job: null }
  if (createError) return { ...base, state: 'error', job: null, message: createError }
  if (!hasSchema(session)) {
    if (!settled(status) || needsCreate) return { ...base, state: 'loading', job: null }
    return {
      ...base,
      state: 'unavailable',
      job: null,
      message:
        status.connection === 'denied'
          ? (status.error ?? 'The server refused access to this job.')
          : status.serverSynced
            ? 'Nobody has annotated this job yet.'
            : 'This job is not available offline yet.',
    }
  }
  try {
    let job = session.cache.get('job') as JobDocument | undefined
    if (!job || job.project !== project) {
      job = JobDocument.open(session.doc, project!, { userId: hub.user.name })
      session.cache.set('job', job)
    }
    return { ...base, state: 'ready', job }
  } catch (error) {
    return { ...base, state: 'error', job: null, message: describeError(error) }
  }
}
