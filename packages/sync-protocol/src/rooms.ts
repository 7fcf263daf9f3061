/** Room names of DESIGN.md §2: `project/<projectId>` and `job/<projectId>/<jobId>`. */
export type RoomName =
  { kind: 'project'; projectId: string } | { kind: 'job'; projectId: string; jobId: string }

const ID = '[A-Za-z0-9_-]{1,64}'
const PROJECT_ROOM = new RegExp(`^project/(${ID})$`)
const JOB_ROOM = new RegExp(`^job/(${ID})/(${ID})$`)

/** URL-safe id check used for project, job, image, label and shape ids. */
export function isValidId(id: string): boolean {
  return new RegExp(`^${ID}$`).test(id)
}

export function parseRoomName(room: string): RoomName | null {
  const project = PROJECT_ROOM.exec(room)
  if (project) return { kind: 'project', projectId: project[1]! }
  const job = JOB_ROOM.exec(room)
  if (job) return { kind: 'job', projectId: job[1]!, jobId: job[2]! }
  return null
}

export function projectRoom(projectId: string): string {
  return `project/${projectId}`
}

export function jobRoom(projectId: string, jobId: string): string {
  return `job/${projectId}/${jobId}`
}
