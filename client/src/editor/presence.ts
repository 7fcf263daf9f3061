// Presence over Yjs awareness (DESIGN.md §3): this user's cursor (image px), image and selected
// shape go out; others' cursors on this image come back for the overlay, and who is on which
// image for the image strip.

import type { Awareness } from 'y-protocols/awareness'
import type { RemoteCursor } from '../canvas'
import type { EditorUser } from './controller'

export interface PresenceCursor {
  imageId: string
  x: number
  y: number
}

export interface RemotePeer {
  clientId: number
  user: EditorUser
  imageId: string | null
  cursor: PresenceCursor | null
  selectedId: string | null
}

/** Cursor updates go out at most this often (ms). */
const CURSOR_INTERVAL = 50

function readUser(value: unknown): EditorUser | null {
  if (typeof value !== 'object' || value === null) return null
  const { id, name, color } = value as Record<string, unknown>
  if (typeof id !== 'string') return null
  return {
    id,
    name: typeof name === 'string' ? name : 'Someone',
    color: typeof color === 'string' && /^#[0-9a-f]{6}$/i.test(color) ? color : '#888888',
  }
}

function readCursor(value: unknown): PresenceCursor | null {
  if (typeof value !== 'object' || value === null) return null
  const { imageId, x, y } = value as Record<string, unknown>
  if (typeof imageId !== 'string' || !Number.isFinite(x) || !Number.isFinite(y)) return null
  return { imageId, x: x as number, y: y as number }
}

/** Everyone else in the room, read tolerantly (awareness is other people's input). */
export function remotePeers(awareness: Awareness, self: EditorUser): RemotePeer[] {
  const out: RemotePeer[] = []
  for (const [clientId, state] of awareness.getStates()) {
    if (clientId === awareness.clientID) continue
    const user = readUser(state.user)
    if (!user || user.id === self.id) continue
    const image = state.image as { id?: unknown } | null | undefined
    const selection = state.selection as { shapeId?: unknown } | null | undefined
    out.push({
      clientId,
      user,
      imageId: typeof image?.id === 'string' ? image.id : null,
      cursor: readCursor(state.cursor),
      selectedId: typeof selection?.shapeId === 'string' ? selection.shapeId : null,
    })
  }
  return out
}

export function cursorsOn(peers: readonly RemotePeer[], imageId: string | null): RemoteCursor[] {
  const out: RemoteCursor[] = []
  for (const p of peers) {
    if (!p.cursor || p.cursor.imageId !== imageId) continue
    out.push({ id: String(p.clientId), name: p.user.name, color: p.user.color, ...p.cursor })
  }
  return out
}

/** Publishes this user's cursor with a small throttle so pointer moves stay cheap. */
export class CursorPublisher {
  private pending: PresenceCursor | null | undefined = undefined
  private timer: ReturnType<typeof setTimeout> | null = null

  constructor(private readonly awareness: Awareness) {}

  set(cursor: PresenceCursor | null): void {
    this.pending = cursor
    if (this.timer) return
    this.flush()
    this.timer = setTimeout(() => {
      this.timer = null
      if (this.pending !== undefined) this.flush()
    }, CURSOR_INTERVAL)
  }

  destroy(): void {
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
  }

  private flush(): void {
    if (this.pending === undefined) return
    this.awareness.setLocalStateField('cursor', this.pending)
    this.pending = undefined
  }
}
