import { describe, expect, it } from 'vitest'
import { normalizeAttribute, normalizeAttributes, validateAttributeValue } from './attributes'
import { ModelError } from './errors'
import type { AttributeRecord } from './schema'

function pathOf(fn: () => unknown): string | undefined {
  try {
    fn()
  } catch (error) {
    if (error instanceof ModelError) return error.path
    throw error
  }
  throw new Error('expected a ModelError')
}

describe('attribute declarations', () => {
  it('fills defaults per type', () => {
    const select = normalizeAttribute(
      { id: 'a', name: 'a', type: 'select', values: ['x', 'y'] },
      'p',
    )
    expect(select).toMatchObject({ default: 'x', mutable: false })
    expect(normalizeAttribute({ id: 'b', name: 'b', type: 'checkbox' }, 'p').default).toBe(false)
    expect(
      normalizeAttribute({ id: 'c', name: 'c', type: 'number', values: [5, 9, 1] }, 'p').default,
    ).toBe(5)
    expect(normalizeAttribute({ id: 'd', name: 'd', type: 'number' }, 'p').default).toBe(0)
    expect(normalizeAttribute({ id: 'e', name: 'e', type: 'text' }, 'p').default).toBe('')
  })

  it.each([
    [{ name: 'a', type: 'select', values: [] }, 'p.values'],
    [{ name: 'a', type: 'radio', values: ['x', 'x'] }, 'p.values'],
    [{ name: 'a', type: 'select', values: ['x'], default: 'y' }, 'p.default'],
    [{ name: 'a', type: 'checkbox', default: 'true' }, 'p.default'],
    [{ name: 'a', type: 'number', values: [1, 2] }, 'p.values'],
    [{ name: 'a', type: 'number', values: [9, 1, 1] }, 'p.values'],
    [{ name: 'a', type: 'number', values: [0, 10, 0] }, 'p.values'],
    [{ name: 'a', type: 'number', values: [0, 10, 1], default: 11 }, 'p.default'],
    [{ name: 'a', type: 'text', default: 3 }, 'p.default'],
  ] as const)('rejects %j at %s', (input, path) => {
    expect(pathOf(() => normalizeAttribute(input as never, 'p'))).toBe(path)
  })

  it('rejects duplicate ids and names within a label', () => {
    const a = { id: 'a', name: 'a', type: 'text' as const }
    expect(pathOf(() => normalizeAttributes([a, { ...a, name: 'b' }], 'l'))).toBe('l[1].id')
    expect(pathOf(() => normalizeAttributes([a, { ...a, id: 'b' }], 'l'))).toBe('l[1].name')
  })
})

describe('attribute values', () => {
  const attr = (a: Partial<AttributeRecord> & Pick<AttributeRecord, 'type'>) =>
    ({ id: 'x', name: 'x', mutable: false, values: [], default: '', ...a }) as AttributeRecord

  it('checks each of the five types', () => {
    const select = attr({ type: 'select', values: ['a', 'b'], default: 'a' })
    expect(validateAttributeValue(select, 'b', 'v')).toBe('b')
    expect(() => validateAttributeValue(select, 'c', 'v')).toThrow(/expected one of "a", "b"/)
    const radio = attr({ type: 'radio', values: ['a'], default: 'a' })
    expect(() => validateAttributeValue(radio, 1, 'v')).toThrow(ModelError)
    const checkbox = attr({ type: 'checkbox', default: false })
    expect(validateAttributeValue(checkbox, true, 'v')).toBe(true)
    expect(() => validateAttributeValue(checkbox, 'true', 'v')).toThrow(ModelError)
    const bounded = attr({ type: 'number', values: [0, 10, 1], default: 0 })
    expect(validateAttributeValue(bounded, 10, 'v')).toBe(10)
    expect(() => validateAttributeValue(bounded, 10.5, 'v')).toThrow(/\[0, 10\]/)
    expect(() => validateAttributeValue(bounded, NaN, 'v')).toThrow(ModelError)
    const free = attr({ type: 'number', default: 0 })
    expect(validateAttributeValue(free, -1e9, 'v')).toBe(-1e9)
    const text = attr({ type: 'text' })
    expect(validateAttributeValue(text, 'hi', 'v')).toBe('hi')
    expect(() => validateAttributeValue(text, false, 'v')).toThrow(ModelError)
  })

  it('reports the invalid_attribute_value code and path', () => {
    try {
      validateAttributeValue(
        attr({ type: 'checkbox', default: false }),
        1,
        'shapes.s1.attributes.x',
      )
      expect.unreachable()
    } catch (error) {
      expect(error).toMatchObject({
        code: 'invalid_attribute_value',
        path: 'shapes.s1.attributes.x',
      })
    }
  })
})
