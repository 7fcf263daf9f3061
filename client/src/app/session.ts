/** Roles in increasing power (DESIGN.md §4). `admin` is the opaque admin token. */
export const ROLES = ['viewer', 'annotator', 'manager', 'admin'] as const
export type Role = (typeof ROLES)[number]

/** Who the app acts as: the capability token and what it grants. */
export interface Session {
  token: string
  role: Role
  /** The project the token names, or `*` for the admin. */
  projectId: string
  /** Expiry as UNIX seconds, when the token has one. */
  expiresAt?: number
}

function base64UrlDecode(text: string): string {
  const base64 = text.replace(/-/g, '+').replace(/_/g, '/')
  const padded = base64 + '='.repeat((4 - (base64.length % 4)) % 4)
  const binary = atob(padded)
  const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0))
  return new TextDecoder().decode(bytes)
}

/**
 * Reads the role and project of a token without verifying it (the server does that): a JWT's
 * payload carries `role` and `sub`; anything that is not a JWT is the opaque admin token.
 */
export function readSession(token: string): Session {
  const parts = token.split('.')
  if (parts.length !== 3) return { token, role: 'admin', projectId: '*' }
  try {
    const payload = JSON.parse(base64UrlDecode(parts[1]!)) as {
      role?: unknown
      sub?: unknown
      exp?: unknown
    }
    const role = (ROLES as readonly unknown[]).includes(payload.role)
      ? (payload.role as Role)
      : 'viewer'
    return {
      token,
      role: role === 'admin' ? 'viewer' : role,
      projectId: typeof payload.sub === 'string' ? payload.sub : '',
      ...(typeof payload.exp === 'number' ? { expiresAt: payload.exp } : {}),
    }
  } catch {
    return { token, role: 'viewer', projectId: '' }
  }
}

export function roleAtLeast(role: Role, needed: Role): boolean {
  return ROLES.indexOf(role) >= ROLES.indexOf(needed)
}

/** What a role may change: annotations (job documents), images, labels and jobs. */
export function permissions(role: Role) {
  return {
    readOnly: role === 'viewer',
    annotate: roleAtLeast(role, 'annotator'),
    addImages: roleAtLeast(role, 'annotator'),
    manage: roleAtLeast(role, 'manager'),
    createProjects: role === 'admin',
  }
}

export const ROLE_NAMES: Record<Role, string> = {
  viewer: 'Viewer',
  annotator: 'Annotator',
  manager: 'Manager',
  admin: 'Admin',
}
