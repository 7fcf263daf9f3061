// The one key map (STYLE.md "UI conventions"): every editor action with its keys, label and
// group. The toolbar tooltips, the `?` help dialog and the key handler all read this table.
// Keys are written lower case with modifiers first: `mod` is Ctrl or ⌘, `ctrl` is Ctrl only.

export type ActionGroup = 'Tools' | 'Labels' | 'Navigation' | 'Objects' | 'Edit' | 'View'

/** The groups in the order the help and shortcuts dialogs list them. */
export const ACTION_GROUPS: readonly ActionGroup[] = [
  'Tools',
  'Labels',
  'Navigation',
  'Objects',
  'Edit',
  'View',
]

export interface KeyBinding {
  id: string
  keys: string[]
  label: string
  group: ActionGroup
  /** Shown but not usable yet (e.g. SAM). */
  disabled?: string
  /** Held rather than pressed (Space to pan): listed in help, handled by the navigation. */
  hold?: boolean
}

const labelKeys: KeyBinding[] = Array.from({ length: 9 }, (_, i) => ({
  id: `label.${i + 1}`,
  keys: [String(i + 1)],
  label: `Choose label ${i + 1}`,
  group: 'Labels' as const,
}))

export const KEYMAP: readonly KeyBinding[] = [
  { id: 'tool.select', keys: ['v'], label: 'Select and edit', group: 'Tools' },
  { id: 'tool.repeat', keys: ['n'], label: 'Repeat the last drawing tool', group: 'Tools' },
  { id: 'tool.rectangle', keys: ['r'], label: 'Box', group: 'Tools' },
  { id: 'tool.polygon', keys: ['p'], label: 'Polygon', group: 'Tools' },
  { id: 'tool.polyline', keys: ['l'], label: 'Polyline', group: 'Tools' },
  { id: 'tool.points', keys: ['k'], label: 'Points', group: 'Tools' },
  { id: 'tool.ellipse', keys: ['e'], label: 'Ellipse', group: 'Tools' },
  { id: 'tool.skeleton', keys: ['j'], label: 'Skeleton', group: 'Tools' },
  { id: 'tool.mask', keys: ['m'], label: 'Mask brush', group: 'Tools' },
  { id: 'tool.eraser', keys: ['shift+m'], label: 'Mask eraser', group: 'Tools' },
  { id: 'tool.sam', keys: ['s'], label: 'Segment Anything', group: 'Tools' },
  { id: 'tool.wand', keys: ['w'], label: 'Magic wand', group: 'Tools' },
  { id: 'tool.scissors', keys: ['i'], label: 'Intelligent scissors', group: 'Tools' },
  {
    id: 'sam.negative',
    keys: ['alt'],
    label: 'Segment Anything: negative point (hold Alt and click, or right click)',
    group: 'Tools',
    hold: true,
  },
  {
    id: 'sam.candidate',
    keys: ['c'],
    label: 'Segment Anything: next mask candidate',
    group: 'Tools',
  },
  { id: 'brush.smaller', keys: ['['], label: 'Smaller brush', group: 'Tools' },
  { id: 'brush.larger', keys: [']'], label: 'Larger brush', group: 'Tools' },
  ...labelKeys,
  { id: 'image.next', keys: ['f', 'mod+arrowright'], label: 'Next image', group: 'Navigation' },
  {
    id: 'image.previous',
    keys: ['d', 'mod+arrowleft'],
    label: 'Previous image',
    group: 'Navigation',
  },
  { id: 'view.fit', keys: ['0'], label: 'Fit the image to the view', group: 'View' },
  { id: 'view.pan', keys: ['space'], label: 'Pan (hold and drag)', group: 'View', hold: true },
  { id: 'view.help', keys: ['?'], label: 'Keyboard shortcuts', group: 'View' },
  { id: 'view.shortcuts', keys: [], label: 'Change keyboard shortcuts', group: 'View' },
  { id: 'object.next', keys: ['tab'], label: 'Next object', group: 'Objects' },
  { id: 'object.previous', keys: ['shift+tab'], label: 'Previous object', group: 'Objects' },
  { id: 'object.delete', keys: ['delete', 'backspace'], label: 'Delete', group: 'Objects' },
  { id: 'object.hide', keys: ['h'], label: 'Hide or show', group: 'Objects' },
  { id: 'object.lock', keys: ['shift+l'], label: 'Lock or unlock', group: 'Objects' },
  { id: 'object.forward', keys: ['mod+]'], label: 'Bring forward', group: 'Objects' },
  { id: 'object.backward', keys: ['mod+['], label: 'Send backward', group: 'Objects' },
  { id: 'edit.cancel', keys: ['escape'], label: 'Cancel drawing or deselect', group: 'Edit' },
  {
    id: 'edit.accept',
    keys: ['enter'],
    label: 'Finish the drawing, or keep the suggestion (SAM, wand, scissors)',
    group: 'Edit',
  },
  { id: 'edit.undo', keys: ['mod+z'], label: 'Undo', group: 'Edit' },
  { id: 'edit.redo', keys: ['mod+shift+z', 'ctrl+y'], label: 'Redo', group: 'Edit' },
  { id: 'edit.copy', keys: ['mod+c'], label: 'Copy object', group: 'Edit' },
  { id: 'edit.paste', keys: ['mod+v'], label: 'Paste object', group: 'Edit' },
]

export interface KeyLike {
  key: string
  shiftKey: boolean
  altKey: boolean
  ctrlKey: boolean
  metaKey: boolean
}

/** The combos a key event matches, e.g. `['mod+shift+z', 'ctrl+shift+z']`. */
export function comboOf(e: KeyLike): string[] {
  let key = e.key === ' ' ? 'space' : e.key.toLowerCase()
  if (key === 'spacebar') key = 'space'
  // A printed symbol already says whether Shift was down ('?' is Shift+/).
  const symbol = key.length === 1 && !/[a-z]/.test(key)
  const tail = `${e.altKey ? 'alt+' : ''}${e.shiftKey && !symbol ? 'shift+' : ''}${key}`
  const out: string[] = []
  if (e.ctrlKey || e.metaKey) out.push(`mod+${tail}`)
  if (e.ctrlKey && !e.metaKey) out.push(`ctrl+${tail}`)
  if (!e.ctrlKey && !e.metaKey) out.push(tail)
  return out
}

const byCombo = new Map<string, KeyBinding>()
for (const binding of KEYMAP) for (const key of binding.keys) byCombo.set(key, binding)

export function bindingFor(e: KeyLike): KeyBinding | undefined {
  for (const combo of comboOf(e)) {
    const binding = byCombo.get(combo)
    if (binding) return binding
  }
  return undefined
}

export function bindingById(id: string): KeyBinding | undefined {
  return KEYMAP.find((b) => b.id === id)
}

const isMac = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform)

/** A key as people read it: `⌘⇧Z` on a Mac, `Ctrl+Shift+Z` elsewhere. */
export function formatKey(combo: string, mac = isMac): string {
  const names: Record<string, string> = {
    mod: mac ? '⌘' : 'Ctrl',
    ctrl: 'Ctrl',
    shift: mac ? '⇧' : 'Shift',
    alt: mac ? '⌥' : 'Alt',
    arrowright: '→',
    arrowleft: '←',
    escape: 'Esc',
    delete: 'Del',
    backspace: '⌫',
    tab: 'Tab',
    space: 'Space',
  }
  const parts = combo.split('+').map((p) => names[p] ?? p.toUpperCase())
  return parts.join(mac ? '' : '+')
}

/** "Box (R)" — the tooltip text of an action. */
export function tooltipFor(id: string): string {
  const binding = bindingById(id)
  if (!binding) return id
  const keys = binding.keys.map((k) => formatKey(k)).join(' / ')
  return `${binding.disabled ?? binding.label}${keys ? ` (${keys})` : ''}`
}

/** Whether keys typed into this element are text, not shortcuts. */
export function isTypingTarget(target: EventTarget | null): boolean {
  if (!target || typeof (target as HTMLElement).tagName !== 'string') return false
  const el = target as HTMLElement
  if (el.isContentEditable) return true
  const tag = el.tagName
  if (tag === 'TEXTAREA' || tag === 'SELECT') return true
  if (tag !== 'INPUT') return false
  const type = (el as HTMLInputElement).type
  return !['checkbox', 'radio', 'button', 'range', 'color'].includes(type)
}
