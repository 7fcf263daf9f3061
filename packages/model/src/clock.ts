/** Returns the current time as an ISO 8601 string. Injected so tests can pin it. */
export type Clock = () => string

export const systemClock: Clock = () => new Date().toISOString()
