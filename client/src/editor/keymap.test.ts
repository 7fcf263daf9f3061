import { describe, expect, it } from 'vitest'
import { KEYMAP, bindingFor, comboOf, formatKey, isTypingTarget, tooltipFor } from './keymap'
import { key } from './__fixtures__/editor'

describe('key map', () => {
  it('binds every key once, and every action has an id, a label and a group', () => {
    const seen = new Map<string, string>()
    for (const b of KEYMAP) {
      expect(b.label.trim(), b.id).not.toBe('')
      expect(b.group, b.id).toBeTruthy()
      for (const k of b.keys) {
        expect(seen.get(k), `${k} bound to ${seen.get(k)} and ${b.id}`).toBeUndefined()
        seen.set(k, b.id)
      }
    }
    expect(new Set(KEYMAP.map((b) => b.id)).size).toBe(KEYMAP.length)
  })

  it('has the keys users expect (STYLE.md)', () => {
    const expected: Record<string, string> = {
      n: 'tool.repeat',
      r: 'tool.rectangle',
      p: 'tool.polygon',
      l: 'tool.polyline',
      k: 'tool.points',
      e: 'tool.ellipse',
      m: 'tool.mask',
      s: 'tool.sam',
      f: 'image.next',
      d: 'image.previous',
      'mod+arrowright': 'image.next',
      'mod+arrowleft': 'image.previous',
      tab: 'object.next',
      'shift+tab': 'object.previous',
      delete: 'object.delete',
      escape: 'edit.cancel',
      'mod+z': 'edit.undo',
      'mod+shift+z': 'edit.redo',
      'ctrl+y': 'edit.redo',
      h: 'object.hide',
      'shift+l': 'object.lock',
      space: 'view.pan',
      '?': 'view.help',
    }
    for (let i = 1; i <= 9; i++) expected[String(i)] = `label.${i}`
    for (const [k, id] of Object.entries(expected)) {
      expect(KEYMAP.find((b) => b.keys.includes(k))?.id, k).toBe(id)
    }
    expect(KEYMAP.find((b) => b.id === 'tool.sam')?.disabled).toBeUndefined()
    expect(KEYMAP.find((b) => b.keys.includes('w'))?.id).toBe('tool.wand')
    expect(KEYMAP.find((b) => b.keys.includes('i'))?.id).toBe('tool.scissors')
    expect(KEYMAP.find((b) => b.keys.includes('enter'))?.id).toBe('edit.accept')
  })

  it('matches events: Shift in symbols, Ctrl or ⌘ as mod, Ctrl+Y only with Ctrl', () => {
    expect(bindingFor(key('?', { shiftKey: true }))?.id).toBe('view.help')
    expect(bindingFor(key('Z', { metaKey: true, shiftKey: true }))?.id).toBe('edit.redo')
    expect(bindingFor(key('z', { ctrlKey: true }))?.id).toBe('edit.undo')
    expect(bindingFor(key('y', { ctrlKey: true }))?.id).toBe('edit.redo')
    expect(bindingFor(key('y', { metaKey: true }))).toBeUndefined()
    expect(bindingFor(key('L', { shiftKey: true }))?.id).toBe('object.lock')
    expect(bindingFor(key('l'))?.id).toBe('tool.polyline')
    expect(bindingFor(key('ArrowRight', { ctrlKey: true }))?.id).toBe('image.next')
    expect(comboOf(key(' '))).toEqual(['space'])
  })

  it('feeds tooltips with the keys', () => {
    expect(tooltipFor('tool.rectangle')).toBe('Box (R)')
    expect(tooltipFor('tool.sam')).toBe('Segment Anything (S)')
    expect(formatKey('mod+shift+z', false)).toBe('Ctrl+Shift+Z')
    expect(formatKey('mod+shift+z', true)).toBe('⌘⇧Z')
  })

  it('leaves typing in inputs alone', () => {
    const el = (tagName: string, type = 'text') => ({ tagName, type, isContentEditable: false })
    expect(isTypingTarget(el('INPUT') as never)).toBe(true)
    expect(isTypingTarget(el('TEXTAREA') as never)).toBe(true)
    expect(isTypingTarget(el('INPUT', 'checkbox') as never)).toBe(false)
    expect(isTypingTarget(el('DIV') as never)).toBe(false)
  })
})
