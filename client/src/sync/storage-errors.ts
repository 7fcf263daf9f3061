/**
 * Storage problems the user must see (DESIGN.md §3, STYLE.md): IndexedDB quota failures from
 * y-indexeddb or Dexie are collected here and shown in a banner, never swallowed.
 */
export interface StorageProblem {
  id: number
  kind: 'quota' | 'failure'
  message: string
  at: number
}

export interface StorageState {
  problems: readonly StorageProblem[]
  /** Result of `navigator.storage.persist()`: null until asked or when unsupported. */
  persisted: boolean | null
}

let state: StorageState = { problems: [], persisted: null }
const listeners = new Set<() => void>()
let nextId = 1

function set(next: StorageState) {
  state = next
  for (const fn of listeners) fn()
}

export const storageStatus = {
  subscribe(fn: () => void): () => void {
    listeners.add(fn)
    return () => listeners.delete(fn)
  },
  get(): StorageState {
    return state
  },
}

/** True for a QuotaExceededError however it is wrapped (DOMException, Dexie, lib0's Error). */
export function isQuotaError(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && depth < 4; depth++) {
    if (typeof e === 'object') {
      const { name, message, inner } = e as { name?: unknown; message?: unknown; inner?: unknown }
      if (name === 'QuotaExceededError') return true
      if (typeof message === 'string' && /QuotaExceeded|quota/i.test(message)) return true
      e = inner
    } else {
      return /QuotaExceeded/.test(String(e))
    }
  }
  return false
}

/** Records a storage failure for the banner (and the console). Returns the problem. */
export function reportStorageError(error: unknown, context: string): StorageProblem {
  console.error(`storage: ${context}`, error)
  const quota = isQuotaError(error)
  const detail = error instanceof Error ? error.message : String(error)
  const problem: StorageProblem = {
    id: nextId++,
    kind: quota ? 'quota' : 'failure',
    message: quota
      ? `This browser's storage is full: ${context} could not be saved on this device. Free some space (or remove offline projects) — changes already shown may be lost if you close this tab.`
      : `${context} could not be saved on this device: ${detail}`,
    at: Date.now(),
  }
  // one banner per kind and context: repeated failures update its time
  const others = state.problems.filter(
    (p) => !(p.kind === problem.kind && p.message === problem.message),
  )
  set({ ...state, problems: [...others, problem] })
  return problem
}

export function dismissStorageProblem(id: number): void {
  set({ ...state, problems: state.problems.filter((p) => p.id !== id) })
}

/**
 * y-indexeddb writes without awaiting, so its quota failures surface as unhandled rejections:
 * catch those (and only storage ones) and report them. Returns an uninstall function.
 */
export function watchUnhandledStorageErrors(target: Window): () => void {
  const onRejection = (event: PromiseRejectionEvent) => {
    if (isQuotaError(event.reason)) reportStorageError(event.reason, 'a document change')
  }
  const onError = (event: ErrorEvent) => {
    if (isQuotaError(event.error)) reportStorageError(event.error, 'a document change')
  }
  target.addEventListener('unhandledrejection', onRejection)
  target.addEventListener('error', onError)
  return () => {
    target.removeEventListener('unhandledrejection', onRejection)
    target.removeEventListener('error', onError)
  }
}

/** Asks the browser not to evict this origin's storage (`navigator.storage.persist()`). */
export async function requestPersistentStorage(nav: Navigator): Promise<boolean | null> {
  if (!nav.storage?.persist) return null
  try {
    const persisted = (await nav.storage.persisted?.()) || (await nav.storage.persist())
    set({ ...state, persisted })
    return persisted
  } catch (error) {
    console.warn('storage: persist() failed', error)
    return null
  }
}
