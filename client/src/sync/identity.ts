import { LABEL_PALETTE } from '@loupe/model'

/** The person at this browser, as others see them in presence. */
export interface LocalUser {
  /** Stable per browser profile; dedups the same person across rooms and tabs. */
  id: string
  name: string
  color: string
}

const KEY = 'loupe.user'

function randomId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(9))
  return btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
}

/** The remembered user, or a new one with a generated name and colour. */
export function loadLocalUser(storage: Storage): LocalUser {
  try {
    const stored = JSON.parse(storage.getItem(KEY) ?? 'null') as Partial<LocalUser> | null
    if (
      stored &&
      typeof stored.id === 'string' &&
      typeof stored.name === 'string' &&
      stored.name.trim() !== '' &&
      typeof stored.color === 'string'
    ) {
      return { id: stored.id, name: stored.name, color: stored.color }
    }
  } catch {
    // a corrupt entry is replaced below
  }
  const id = randomId()
  const n = crypto.getRandomValues(new Uint32Array(1))[0]!
  const user: LocalUser = {
    id,
    name: `Guest ${1000 + (n % 9000)}`,
    color: LABEL_PALETTE[n % LABEL_PALETTE.length] ?? '#4e79a7',
  }
  saveLocalUser(storage, user)
  return user
}

export function saveLocalUser(storage: Storage, user: LocalUser): void {
  storage.setItem(KEY, JSON.stringify(user))
}

/** Initials for an avatar: first letters of the first two words. */
export function initials(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean)
  const letters = words.slice(0, 2).map((w) => [...w][0] ?? '')
  return letters.join('').toUpperCase() || '?'
}
