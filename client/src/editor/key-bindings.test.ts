import { describe, expect, it } from 'vitest'
import { drag, key, setupEditor } from './__fixtures__/editor'
import { KEYMAP } from './keymap'
import { KEYMAP_STORAGE_KEY, KeyBindings, recordCombo } from './key-bindings'

/** localStorage's shape, in memory. */
class MemoryStorage {
  readonly items = new Map<string, string>()
  getItem(k: string) {
    return this.items.get(k) ?? null
  }
  setItem(k: string, v: string) {
    this.items.set(k, v)
  }
  removeItem(k: string) {
    this.items.delete(k)
  }
}

function everyKeyOnce(keys: KeyBindings) {
  const seen = new Map<string, string>()
  for (const b of keys.bindings)
    for (const k of b.keys) {
      expect(seen.get(k), `${k} bound to ${seen.get(k)} and ${b.id}`).toBeUndefined()
      seen.set(k, b.id)
    }
}

describe('remappable keys', () => {
  it('starts from the default key map and matches events like it', () => {
    const keys = new KeyBindings()
    expect(keys.bindings.map((b) => [b.id, b.keys])).toEqual(KEYMAP.map((b) => [b.id, b.keys]))
    expect(keys.match(key('r'))?.id).toBe('tool.rectangle')
    expect(keys.match(key('z', { metaKey: true, shiftKey: true }))?.id).toBe('edit.redo')
    expect(keys.tooltip('tool.rectangle', false)).toBe('Box (R)')
    expect(keys.isCustomized()).toBe(false)
  })

  it('replaces a key; the old key no longer runs the action; tooltips follow', () => {
    const keys = new KeyBindings()
    expect(keys.assign('tool.rectangle', 'b', { replace: 'r' })).toEqual({
      ok: true,
      changed: true,
    })
    expect(keys.match(key('b'))?.id).toBe('tool.rectangle')
    expect(keys.match(key('r'))).toBeUndefined()
    expect(keys.tooltip('tool.rectangle', false)).toBe('Box (B)')
    expect(keys.isCustomized('tool.rectangle')).toBe(true)
    expect(keys.isCustomized('tool.polygon')).toBe(false)
    // Adding a second key, with modifiers.
    keys.assign('tool.rectangle', 'alt+shift+b')
    expect(keys.keysOf('tool.rectangle')).toEqual(['b', 'alt+shift+b'])
    expect(keys.match(key('B', { altKey: true, shiftKey: true }))?.id).toBe('tool.rectangle')
  })

  it('refuses a key another action has, and says which', () => {
    const keys = new KeyBindings()
    const result = keys.assign('tool.rectangle', 'p', { replace: 'r' })
    expect(result).toMatchObject({ ok: false, reason: 'conflict', key: 'p' })
    expect(result.ok === false && result.reason === 'conflict' && result.conflict.id).toBe(
      'tool.polygon',
    )
    expect(keys.keysOf('tool.rectangle')).toEqual(['r'])
    expect(keys.keysOf('tool.polygon')).toEqual(['p'])
    expect(keys.isCustomized()).toBe(false)
  })

  it('swaps: the other action gets the replaced key; when adding, it loses the key', () => {
    const keys = new KeyBindings()
    expect(keys.assign('tool.rectangle', 'p', { replace: 'r', onConflict: 'swap' })).toEqual({
      ok: true,
      changed: true,
      swapped: { actionId: 'tool.polygon', gave: 'p', got: 'r' },
    })
    expect(keys.match(key('p'))?.id).toBe('tool.rectangle')
    expect(keys.match(key('r'))?.id).toBe('tool.polygon')
    // Adding F (next image's) to the ellipse: next image keeps Ctrl+→ only.
    keys.assign('tool.ellipse', 'f', { onConflict: 'swap' })
    expect(keys.keysOf('tool.ellipse')).toEqual(['e', 'f'])
    expect(keys.keysOf('image.next')).toEqual(['mod+arrowright'])
    everyKeyOnce(keys)
  })

  it('keeps reserved and held keys out, and ignores lone modifiers when recording', () => {
    const keys = new KeyBindings()
    expect(keys.assign('tool.rectangle', 'space')).toMatchObject({ ok: false, reason: 'reserved' })
    expect(keys.assign('tool.rectangle', 'enter')).toMatchObject({ ok: false, reason: 'reserved' })
    expect(keys.assign('view.pan', 'g')).toMatchObject({ ok: false, reason: 'fixed' })
    expect(keys.assign('nope', 'g')).toMatchObject({ ok: false, reason: 'unknown' })
    expect(keys.assign('tool.rectangle', 'hyper+x')).toMatchObject({ ok: false, reason: 'invalid' })
    expect(recordCombo(key('Shift', { shiftKey: true }))).toBeNull()
    expect(recordCombo(key('Control', { ctrlKey: true }))).toBeNull()
    expect(recordCombo(key('B', { shiftKey: true }))).toBe('shift+b')
    expect(recordCombo(key('k', { ctrlKey: true }))).toBe('mod+k')
    expect(recordCombo(key('?', { shiftKey: true }))).toBe('?')
  })

  it('persists only the changed actions, per browser, and reloads them', () => {
    const storage = new MemoryStorage()
    const keys = new KeyBindings(storage)
    keys.assign('tool.rectangle', 'p', { replace: 'r', onConflict: 'swap' })
    const saved = JSON.parse(storage.getItem(KEYMAP_STORAGE_KEY)!) as {
      keys: Record<string, string[]>
    }
    expect(saved.keys).toEqual({ 'tool.rectangle': ['p'], 'tool.polygon': ['r'] })
    const again = new KeyBindings(storage)
    expect(again.match(key('p'))?.id).toBe('tool.rectangle')
    expect(again.match(key('r'))?.id).toBe('tool.polygon')
    again.resetAll()
    expect(storage.getItem(KEYMAP_STORAGE_KEY)).toBeNull()
    expect(new KeyBindings(storage).match(key('r'))?.id).toBe('tool.rectangle')
  })

  it('follows a remapping made in another tab (storage event), and stops following', () => {
    const storage = new MemoryStorage()
    const here = new KeyBindings(storage)
    const there = new KeyBindings(storage)
    const window = new EventTarget()
    const stop = here.followOtherTabs(window)
    let told = 0
    here.subscribe(() => told++)
    expect(there.assign('tool.rectangle', 'b', { replace: 'r' }).ok).toBe(true)
    // the browser tells every other tab which key changed
    expect(here.match(key('b'))?.id).not.toBe('tool.rectangle')
    window.dispatchEvent(Object.assign(new Event('storage'), { key: KEYMAP_STORAGE_KEY }))
    expect(here.match(key('b'))?.id).toBe('tool.rectangle')
    expect(here.match(key('r'))).toBeUndefined()
    expect(here.tooltip('tool.rectangle', false)).toBe('Box (B)')
    expect(told).toBe(1)
    // other keys of localStorage are none of its business
    window.dispatchEvent(Object.assign(new Event('storage'), { key: 'loupe.view.j1' }))
    expect(told).toBe(1)
    stop()
    there.resetAll()
    window.dispatchEvent(Object.assign(new Event('storage'), { key: KEYMAP_STORAGE_KEY }))
    expect(here.match(key('b'))?.id).toBe('tool.rectangle')
  })

  it('reset takes an action’s default keys back from whoever holds them', () => {
    const keys = new KeyBindings()
    keys.assign('tool.rectangle', 'b', { replace: 'r' })
    keys.assign('tool.polygon', 'r', { replace: 'p' })
    let changes = 0
    keys.subscribe(() => changes++)
    keys.reset('tool.rectangle')
    expect(changes).toBe(1)
    expect(keys.keysOf('tool.rectangle')).toEqual(['r'])
    expect(keys.keysOf('tool.polygon')).toEqual([])
    everyKeyOnce(keys)
  })

  it('survives a damaged or hostile stored entry, keeping every key bound once', () => {
    const storage = new MemoryStorage()
    storage.setItem(KEYMAP_STORAGE_KEY, '{not json')
    expect(new KeyBindings(storage).keysOf('tool.rectangle')).toEqual(['r'])
    storage.setItem(
      KEYMAP_STORAGE_KEY,
      JSON.stringify({
        version: 1,
        keys: {
          'tool.rectangle': ['p', 'p', 'space', 42, 'meta+q'],
          'tool.ellipse': ['p', 'x'],
          'view.pan': ['g'],
          'no.such': ['y'],
          'tool.points': 'k',
        },
      }),
    )
    const keys = new KeyBindings(storage)
    expect(keys.keysOf('tool.rectangle')).toEqual(['p'])
    // Stored first wins; the default owner of P loses it.
    expect(keys.keysOf('tool.ellipse')).toEqual(['x'])
    expect(keys.keysOf('tool.polygon')).toEqual([])
    expect(keys.keysOf('view.pan')).toEqual(['space'])
    expect(keys.keysOf('tool.points')).toEqual(['k'])
    everyKeyOnce(keys)
  })
})

describe('the editor with remapped keys', () => {
  it('runs actions by the user’s keys, reads them from storage, and ignores keys while remapping', () => {
    const storage = new MemoryStorage()
    new KeyBindings(storage).assign('tool.rectangle', 'b', { replace: 'r' })
    const { editor, job } = setupEditor({ storage })
    expect(editor.keyDown(key('r'))).toBe(false)
    expect(editor.toolId).toBe('select')
    editor.keyDown(key('b'))
    expect(editor.toolId).toBe('rectangle')
    drag(editor, [10, 10], [60, 40])
    expect(job.listShapes('img1').map((s) => s.type)).toEqual(['rectangle'])
    // A change in the dialog re-renders (version bump) and applies at once.
    const version = editor.version
    editor.keys.assign('tool.ellipse', 'o', { replace: 'e' })
    expect(editor.version).toBeGreaterThan(version)
    editor.keyDown(key('v'))
    editor.setShortcutsOpen(true)
    expect(editor.helpOpen).toBe(false)
    expect(editor.keyDown(key('o'))).toBe(false)
    expect(editor.toolId).toBe('select')
    editor.setShortcutsOpen(false)
    editor.keyDown(key('o'))
    expect(editor.toolId).toBe('ellipse')
  })
})
