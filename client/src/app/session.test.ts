import { describe, expect, it } from 'vitest'
import { permissions, readSession } from './session'

const base64url = (text: string) =>
  btoa(text).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
const jwt = (payload: object) => ['e30', base64url(JSON.stringify(payload)), 'sig'].join('.')

describe('readSession', () => {
  it('reads role and project from a JWT payload', () => {
    expect(readSession(jwt({ role: 'annotator', sub: 'p1', exp: 5 }))).toEqual({
      token: jwt({ role: 'annotator', sub: 'p1', exp: 5 }),
      role: 'annotator',
      projectId: 'p1',
      expiresAt: 5,
    })
  })
  it('treats an opaque token as the admin', () => {
    expect(readSession('a'.repeat(32)).role).toBe('admin')
  })
  it('falls back to viewer on a malformed or unknown role', () => {
    expect(readSession('a.b.c').role).toBe('viewer')
    expect(readSession(jwt({ role: 'admin', sub: 'p' })).role).toBe('viewer')
  })
  it('derives permissions', () => {
    expect(permissions('viewer').readOnly).toBe(true)
    expect(permissions('annotator').manage).toBe(false)
    expect(permissions('manager').manage).toBe(true)
  })
})
