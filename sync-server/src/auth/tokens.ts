import { randomUUID, timingSafeEqual } from 'node:crypto'
import { SignJWT, errors as joseErrors, jwtVerify } from 'jose'

/** Roles in increasing power. `admin` exists only for the opaque admin token. */
export const ROLES = ['viewer', 'annotator', 'manager', 'admin'] as const
export type Role = (typeof ROLES)[number]
export type ShareRole = Exclude<Role, 'admin'>

export interface Principal {
  /** Project the token is for, or `*` for the admin. */
  projectId: string
  role: Role
  /** JWT id (`jti`), for revocation; absent for the admin token. */
  tokenId?: string
  /** Expiry as a UNIX time in seconds, if any. */
  expiresAt?: number
}

export const AuthErrorCode = {
  missing: 'token_missing',
  invalid: 'token_invalid',
  expired: 'token_expired',
  forbidden: 'forbidden',
} as const
export type AuthErrorCode = (typeof AuthErrorCode)[keyof typeof AuthErrorCode]

export class AuthError extends Error {
  override name = 'AuthError'
  constructor(
    readonly code: AuthErrorCode,
    message: string,
  ) {
    super(message)
  }
  /** 401 for a missing/invalid/expired token, 403 for a valid token without the right. */
  get status(): 401 | 403 {
    return this.code === AuthErrorCode.forbidden ? 403 : 401
  }
}

const ISSUER = 'loupe'
const AUDIENCE = 'loupe'

export function roleAtLeast(role: Role, needed: Role): boolean {
  return ROLES.indexOf(role) >= ROLES.indexOf(needed)
}

export class TokenService {
  readonly #key: Uint8Array
  readonly #admin: Buffer

  constructor(secret: string, adminToken: string) {
    if (secret.length < 16) throw new Error('LOUPE_SECRET must be at least 16 characters')
    if (adminToken.length < 16) throw new Error('LOUPE_ADMIN_TOKEN must be at least 16 characters')
    this.#key = new TextEncoder().encode(secret)
    this.#admin = Buffer.from(adminToken)
  }

  /** Issues a capability token (JWT HS256) for one project and role. */
  async issue(options: {
    projectId: string
    role: ShareRole
    expiresInSeconds?: number
  }): Promise<{ token: string; tokenId: string; expiresAt?: number }> {
    const tokenId = randomUUID()
    const now = Math.floor(Date.now() / 1000)
    let jwt = new SignJWT({ role: options.role })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(options.projectId)
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt(now)
      .setJti(tokenId)
    let expiresAt: number | undefined
    if (options.expiresInSeconds !== undefined) {
      expiresAt = now + options.expiresInSeconds
      jwt = jwt.setExpirationTime(expiresAt)
    }
    return { token: await jwt.sign(this.#key), tokenId, expiresAt }
  }

  isAdminToken(token: string): boolean {
    const candidate = Buffer.from(token)
    return candidate.length === this.#admin.length && timingSafeEqual(candidate, this.#admin)
  }

  /** Verifies a token; throws AuthError (401) when it is missing, malformed, forged or expired. */
  async verify(token: string | null | undefined): Promise<Principal> {
    if (!token) throw new AuthError(AuthErrorCode.missing, 'no token given')
    if (this.isAdminToken(token)) return { projectId: '*', role: 'admin' }
    try {
      const { payload } = await jwtVerify(token, this.#key, {
        algorithms: ['HS256'],
        issuer: ISSUER,
        audience: AUDIENCE,
      })
      const role = payload.role
      if (typeof payload.sub !== 'string' || typeof role !== 'string') {
        throw new AuthError(AuthErrorCode.invalid, 'token lacks a project or role')
      }
      if (role !== 'viewer' && role !== 'annotator' && role !== 'manager') {
        throw new AuthError(
          AuthErrorCode.invalid,
          `token has an unknown role ${JSON.stringify(role)}`,
        )
      }
      return { projectId: payload.sub, role, tokenId: payload.jti, expiresAt: payload.exp }
    } catch (error) {
      if (error instanceof AuthError) throw error
      if (error instanceof joseErrors.JWTExpired) {
        throw new AuthError(AuthErrorCode.expired, 'token has expired')
      }
      throw new AuthError(AuthErrorCode.invalid, 'token is not valid')
    }
  }
}

/**
 * Throws AuthError (403) unless `principal` may act on `projectId` with at least `needed` role.
 * The admin may do everything everywhere.
 */
export function requireProjectRole(principal: Principal, projectId: string, needed: Role): void {
  if (principal.role === 'admin') return
  if (principal.projectId !== projectId) {
    throw new AuthError(AuthErrorCode.forbidden, 'token is for another project')
  }
  if (!roleAtLeast(principal.role, needed)) {
    throw new AuthError(
      AuthErrorCode.forbidden,
      `needs role ${needed}, token has ${principal.role}`,
    )
  }
}
