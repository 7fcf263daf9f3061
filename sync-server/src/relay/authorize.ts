import { CloseCode, parseRoomName } from '@loupe/sync-protocol'
import { AuthError, requireProjectRole } from '../auth/tokens'
import type { Principal, TokenService } from '../auth/tokens'
import type { MetaStore } from '../storage/types'

/** The outcome of checking a socket request: a room to join, or a close code with a reason. */
export type SocketGrant =
  | { kind: 'granted'; room: string; principal: Principal; loupe: boolean }
  | { kind: 'refused'; room: string; code: CloseCode; reason: string }

/**
 * Checks `/sync/<room>?token=…`: the token must be valid, not expired and not revoked (else 4401),
 * the room must be a Loupe room (else 4400), and the token must be for the room's project or be
 * the admin's (else 4403). Any role may open a room; what it may write is the write policy's.
 */
export async function authorizeSocket(
  url: URL,
  deps: { tokens: TokenService; meta: MetaStore },
): Promise<SocketGrant> {
  let room: string
  try {
    room = decodeURIComponent(url.pathname.slice('/sync/'.length))
  } catch {
    return {
      kind: 'refused',
      room: url.pathname,
      code: CloseCode.badRequest,
      reason: 'bad room name',
    }
  }
  const refuse = (code: CloseCode, reason: string): SocketGrant => ({
    kind: 'refused',
    room,
    code,
    reason,
  })
  let principal: Principal
  try {
    principal = await deps.tokens.verify(url.searchParams.get('token'))
  } catch (error) {
    if (error instanceof AuthError) return refuse(CloseCode.unauthorized, error.message)
    throw error
  }
  if (principal.tokenId !== undefined && (await deps.meta.isTokenRevoked(principal.tokenId))) {
    return refuse(CloseCode.unauthorized, 'token has been revoked')
  }
  const roomName = parseRoomName(room)
  if (!roomName) return refuse(CloseCode.badRequest, `unknown room ${JSON.stringify(room)}`)
  try {
    requireProjectRole(principal, roomName.projectId, 'viewer')
  } catch (error) {
    if (error instanceof AuthError) return refuse(CloseCode.forbidden, error.message)
    throw error
  }
  return { kind: 'granted', room, principal, loupe: url.searchParams.get('loupe') === '1' }
}
