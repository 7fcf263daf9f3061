// The user's key map: the defaults of keymap.ts with this browser's remappings on top. Only the
// actions whose keys differ from the defaults are stored (localStorage), so a new default in a
// later version reaches everyone who did not change that action. The toolbar tooltips, the help
// and shortcuts dialogs and the key handler all read the effective table from here.

import { KEYMAP, comboOf, formatKey, type KeyBinding, type KeyLike } from './keymap'

export const KEYMAP_STORAGE_KEY = 'loupe.keymap'
const STORAGE_VERSION = 1

/** Keys no action can take: Space pans (held), Enter finishes drawings, Esc stops recording. */
export const RESERVED_KEYS: Readonly<Record<string, string>> = {
  space: 'Space is held to pan the image.',
  enter: 'Enter finishes a drawing.',
  escape: 'Esc cancels; it cannot be given to another action.',
}

/** Keys that only modify others: never a shortcut on their own. */
const MODIFIER_KEYS = new Set(['shift', 'control', 'alt', 'meta', 'altgraph', 'capslock', 'fn'])
const IGNORED_KEYS = new Set(['dead', 'unidentified', 'process', 'compose'])

export type AssignResult =
  | { ok: true; changed: boolean; swapped?: { actionId: string; gave: string; got: string | null } }
  | { ok: false; reason: 'conflict'; conflict: KeyBinding; key: string }
  | { ok: false; reason: 'reserved' | 'fixed' | 'unknown' | 'invalid'; message: string }

export interface AssignOptions {
  /** The key of the action this one replaces; without it the key is added. */
  replace?: string | null
  /** What to do when another action has the key: leave everything (default) or swap. */
  onConflict?: 'refuse' | 'swap'
}

type StorageLike = Pick<Storage, 'getItem' | 'setItem'> & Partial<Pick<Storage, 'removeItem'>>

/** The combo a key press records, or null for a lone modifier or a dead key. */
export function recordCombo(e: KeyLike): string | null {
  const key = e.key.toLowerCase()
  if (MODIFIER_KEYS.has(key) || IGNORED_KEYS.has(key) || key === '') return null
  return comboOf(e)[0] ?? null
}

/** Whether an action's keys can be changed (held keys belong to the canvas navigation). */
export function isRemappable(binding: KeyBinding): boolean {
  return !binding.hold
}

const MODIFIERS = new Set(['mod', 'ctrl', 'alt', 'shift'])

/** `mod+shift+z`, `?`, `mod++`: known modifiers, each once, then one key. */
function validCombo(combo: unknown): combo is string {
  if (typeof combo !== 'string' || combo.length === 0 || combo.length > 40) return false
  const plus = combo === '+' || combo.endsWith('++')
  const parts = plus ? [...combo.slice(0, -1).split('+').slice(0, -1), '+'] : combo.split('+')
  const key = parts.pop()
  if (!key) return false
  return parts.every((m, i) => MODIFIERS.has(m) && parts.indexOf(m) === i)
}

export class KeyBindings {
  private readonly defaults = new Map<string, KeyBinding>()
  private readonly keys = new Map<string, string[]>()
  private readonly byCombo = new Map<string, string>()
  private table: KeyBinding[] = []
  private readonly listeners = new Set<() => void>()

  constructor(
    private readonly storage: StorageLike | null = null,
    private readonly storageKey = KEYMAP_STORAGE_KEY,
    defaults: readonly KeyBinding[] = KEYMAP,
  ) {
    for (const b of defaults) this.defaults.set(b.id, b)
    this.load()
  }

  /** The effective key map, in the defaults' order. */
  get bindings(): readonly KeyBinding[] {
    return this.table
  }

  get(id: string): KeyBinding | undefined {
    const binding = this.defaults.get(id)
    return binding && { ...binding, keys: this.keysOf(id).slice() }
  }

  keysOf(id: string): readonly string[] {
    return this.keys.get(id) ?? []
  }

  defaultKeysOf(id: string): readonly string[] {
    return this.defaults.get(id)?.keys ?? []
  }

  /** The action a key event runs, if any. */
  match(e: KeyLike): KeyBinding | undefined {
    for (const combo of comboOf(e)) {
      const id = this.byCombo.get(combo)
      if (id) return this.table.find((b) => b.id === id)
    }
    return undefined
  }

  /** The action holding a combo (other than `exceptId`). */
  ownerOf(combo: string, exceptId?: string): KeyBinding | undefined {
    const id = this.byCombo.get(combo)
    return id && id !== exceptId ? this.get(id) : undefined
  }

  isCustomized(id?: string): boolean {
    if (id === undefined) return [...this.defaults.keys()].some((a) => this.isCustomized(a))
    const now = this.keysOf(id)
    const base = this.defaultKeysOf(id)
    return now.length !== base.length || now.some((k, i) => k !== base[i])
  }

  /**
   * Gives `combo` to action `id`, replacing `options.replace` (one of its keys) or added to its
   * keys. When another action holds the combo, `refuse` (the default) changes nothing and
   * reports the conflict; `swap` gives the other action the replaced key (or, when adding,
   * takes the combo from it).
   */
  assign(id: string, combo: string, options: AssignOptions = {}): AssignResult {
    const binding = this.defaults.get(id)
    if (!binding) return { ok: false, reason: 'unknown', message: `No action ${id}.` }
    if (!isRemappable(binding))
      return { ok: false, reason: 'fixed', message: `${binding.label} cannot be remapped.` }
    if (!validCombo(combo)) return { ok: false, reason: 'invalid', message: `Not a key: ${combo}` }
    const reserved = RESERVED_KEYS[combo]
    if (reserved) return { ok: false, reason: 'reserved', message: reserved }
    const replace = options.replace ?? null
    const mine = this.keysOf(id).slice()
    const slot = replace === null ? -1 : mine.indexOf(replace)
    if (replace !== null && slot < 0)
      return { ok: false, reason: 'invalid', message: `${binding.label} has no key ${replace}.` }
    if (mine.includes(combo)) {
      // Already this action's: replacing a key by another of its own keys drops the duplicate.
      if (slot < 0 || mine[slot] === combo) return { ok: true, changed: false }
      mine.splice(slot, 1)
      this.keys.set(id, mine)
      this.commit()
      return { ok: true, changed: true }
    }
    const other = this.ownerOf(combo, id)
    let swapped: { actionId: string; gave: string; got: string | null } | undefined
    if (other) {
      if (options.onConflict !== 'swap')
        return { ok: false, reason: 'conflict', conflict: other, key: combo }
      const theirs = this.keysOf(other.id).slice()
      const at = theirs.indexOf(combo)
      if (replace !== null) theirs[at] = replace
      else theirs.splice(at, 1)
      this.keys.set(other.id, theirs)
      swapped = { actionId: other.id, gave: combo, got: replace }
    }
    if (slot >= 0) mine[slot] = combo
    else mine.push(combo)
    this.keys.set(id, mine)
    this.commit()
    return swapped ? { ok: true, changed: true, swapped } : { ok: true, changed: true }
  }

  /** Takes one key away from an action (it may be left with none). */
  remove(id: string, combo: string): void {
    const binding = this.defaults.get(id)
    if (!binding || !isRemappable(binding)) return
    const mine = this.keysOf(id)
    if (!mine.includes(combo)) return
    this.keys.set(
      id,
      mine.filter((k) => k !== combo),
    )
    this.commit()
  }

  /**
   * An action back to its default keys. A default key another action has taken meanwhile is
   * taken back from it, so the default table's promise (every key once) holds.
   */
  reset(id: string): void {
    const binding = this.defaults.get(id)
    if (!binding || !this.isCustomized(id)) return
    for (const combo of binding.keys) {
      const other = this.ownerOf(combo, id)
      if (other)
        this.keys.set(
          other.id,
          this.keysOf(other.id).filter((k) => k !== combo),
        )
    }
    this.keys.set(id, binding.keys.slice())
    this.commit()
  }

  /** Every action back to its defaults; nothing stays stored. */
  resetAll(): void {
    for (const b of this.defaults.values()) this.keys.set(b.id, b.keys.slice())
    this.commit()
  }

  /** "Box (R)": an action's label with its keys, for tooltips. */
  tooltip(id: string, mac?: boolean): string {
    const binding = this.defaults.get(id)
    if (!binding) return id
    const keys = this.keysOf(id)
      .map((k) => formatKey(k, mac))
      .join(' / ')
    return `${binding.disabled ?? binding.label}${keys ? ` (${keys})` : ''}`
  }

  /**
   * Reads the stored remappings again, e.g. after another tab changed them (its `storage`
   * event; see `followOtherTabs`), and tells the subscribers.
   */
  reload(): void {
    this.load()
    for (const fn of this.listeners) fn()
  }

  /**
   * Follows remappings made in other tabs of this browser: the browser fires a `storage` event
   * in every other tab when one writes the key map. Returns a function that stops following.
   */
  followOtherTabs(target: Pick<Window, 'addEventListener' | 'removeEventListener'>): () => void {
    const onStorage = (event: StorageEvent) => {
      if (event.key === this.storageKey || event.key === null) this.reload()
    }
    target.addEventListener('storage', onStorage)
    return () => target.removeEventListener('storage', onStorage)
  }

  subscribe(fn: () => void): () => void {
    this.listeners.add(fn)
    return () => this.listeners.delete(fn)
  }

  /** The stored form: only the actions that differ from their defaults. */
  overrides(): Record<string, string[]> {
    const out: Record<string, string[]> = {}
    for (const id of this.defaults.keys())
      if (this.isCustomized(id)) out[id] = this.keysOf(id).slice()
    return out
  }

  private load(): void {
    for (const b of this.defaults.values()) this.keys.set(b.id, b.keys.slice())
    let saved: Record<string, unknown> = {}
    try {
      const raw = this.storage?.getItem(this.storageKey)
      const parsed: unknown = raw ? JSON.parse(raw) : null
      const keys = (parsed as { keys?: unknown } | null)?.keys
      if (keys && typeof keys === 'object' && !Array.isArray(keys))
        saved = keys as Record<string, unknown>
    } catch {
      // A damaged entry only loses the remapping.
    }
    // Stored actions win over defaults; among stored ones, the first to claim a key keeps it.
    const claimed = new Set<string>()
    for (const [id, value] of Object.entries(saved)) {
      const binding = this.defaults.get(id)
      if (!binding || !isRemappable(binding) || !Array.isArray(value)) continue
      const combos = value.filter(
        (c, i): c is string =>
          validCombo(c) && !RESERVED_KEYS[c] && !claimed.has(c) && value.indexOf(c) === i,
      )
      for (const c of combos) claimed.add(c)
      this.keys.set(id, combos)
    }
    for (const id of this.defaults.keys()) {
      if (id in saved) continue
      this.keys.set(
        id,
        this.keysOf(id).filter((k) => !claimed.has(k)),
      )
    }
    this.rebuild()
  }

  private commit(): void {
    this.rebuild()
    this.save()
    for (const fn of this.listeners) fn()
  }

  private rebuild(): void {
    this.byCombo.clear()
    this.table = [...this.defaults.values()].map((b) => ({ ...b, keys: this.keysOf(b.id).slice() }))
    for (const b of this.table)
      for (const k of b.keys) if (!this.byCombo.has(k)) this.byCombo.set(k, b.id)
  }

  private save(): void {
    if (!this.storage) return
    const overrides = this.overrides()
    try {
      if (Object.keys(overrides).length === 0 && this.storage.removeItem)
        this.storage.removeItem(this.storageKey)
      else
        this.storage.setItem(
          this.storageKey,
          JSON.stringify({ version: STORAGE_VERSION, keys: overrides }),
        )
    } catch {
      // Storage full or denied: the remapping still holds for this session.
    }
  }
}
