import { describe, expect, it } from 'vitest'
import { combineStatus, connectionOf, describeStatus } from './status'
import type { ConnectionFacts, RoomStatus } from './status'

const facts = (patch: Partial<ConnectionFacts>): ConnectionFacts => ({
  browserOnline: true,
  deniedReason: null,
  wsConnected: false,
  synced: false,
  everSynced: false,
  failedAttempts: 0,
  ...patch,
})

const room = (patch: Partial<RoomStatus>): RoomStatus => ({
  room: 'project/p',
  connection: 'online',
  pending: 0,
  localSynced: true,
  serverSynced: true,
  peers: [],
  ...patch,
})

describe('connectionOf', () => {
  it('follows the socket', () => {
    expect(connectionOf(facts({}))).toBe('connecting')
    expect(connectionOf(facts({ wsConnected: true, synced: true }))).toBe('online')
    expect(connectionOf(facts({ everSynced: true }))).toBe('reconnecting')
    expect(connectionOf(facts({ failedAttempts: 1 }))).toBe('reconnecting')
    expect(connectionOf(facts({ failedAttempts: 3, everSynced: true }))).toBe('reconnecting')
    expect(connectionOf(facts({ failedAttempts: 8, everSynced: true }))).toBe('offline')
    expect(connectionOf(facts({ browserOnline: false, wsConnected: true }))).toBe('offline')
    expect(connectionOf(facts({ deniedReason: 'nope' }))).toBe('denied')
  })
})

describe('combineStatus', () => {
  it('takes the worst connection, sums pending and dedups peers', () => {
    const ana = { userId: 'u1', name: 'Ana', color: '#fff', clientId: 1 }
    const status = combineStatus(
      [
        room({ pending: 2, peers: [ana] }),
        room({
          room: 'job/p/j',
          connection: 'reconnecting',
          pending: 1,
          peers: [{ ...ana, clientId: 2, image: { id: 'i', name: 'a.jpg' } }],
        }),
      ],
      true,
    )
    expect(status.connection).toBe('reconnecting')
    expect(status.pending).toBe(3)
    expect(status.peers).toHaveLength(1)
    expect(status.peers[0]!.image?.name).toBe('a.jpg')
  })
  it('is offline with no rooms when the browser is', () => {
    expect(combineStatus([], false).connection).toBe('offline')
  })
})

describe('describeStatus', () => {
  it('says what the user needs to know', () => {
    expect(describeStatus({ connection: 'online', pending: 0 })).toBe('Online · all saved')
    expect(describeStatus({ connection: 'offline', pending: 3 })).toBe(
      'Offline · 3 changes waiting',
    )
    expect(describeStatus({ connection: 'offline', pending: 1 })).toBe('Offline · 1 change waiting')
    expect(describeStatus({ connection: 'reconnecting', pending: 0 })).toBe('Reconnecting…')
  })
})
