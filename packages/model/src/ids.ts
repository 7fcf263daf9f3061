/** Ids are URL-safe strings: they appear in room names and URLs. */
export const ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-'

interface RandomSource {
  getRandomValues<T extends Uint8Array>(array: T): T
}

/** A random 21-character URL-safe id (126 bits), like nanoid. */
export function newId(): string {
  const crypto = (globalThis as { crypto?: RandomSource }).crypto
  const bytes = new Uint8Array(21)
  if (crypto) crypto.getRandomValues(bytes)
  else for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(Math.random() * 256)
  let id = ''
  for (const byte of bytes) id += ALPHABET[byte & 63]
  return id
}

export function isId(value: unknown): value is string {
  return typeof value === 'string' && ID_PATTERN.test(value)
}
