import type { Principal } from '../auth/tokens'

/** Hono environment of the REST API: what middleware puts on the context. */
export interface ApiEnv {
  Variables: {
    /** Set by the auth middleware on every authenticated route. */
    principal: Principal
  }
}
