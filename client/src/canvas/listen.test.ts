import { describe, expect, it } from 'vitest'
import { listen } from './listen'

describe('listen', () => {
  it('adds every handler and removes them all with the returned function', () => {
    const target = new EventTarget()
    const seen: string[] = []
    const detach = listen<{ a: Event; b: Event }>(target, {
      a: (e) => seen.push(`a:${e.type}`),
      b: (e) => seen.push(`b:${e.type}`),
    })
    target.dispatchEvent(new Event('a'))
    target.dispatchEvent(new Event('b'))
    target.dispatchEvent(new Event('c'))
    expect(seen).toEqual(['a:a', 'b:b'])
    detach()
    target.dispatchEvent(new Event('a'))
    target.dispatchEvent(new Event('b'))
    expect(seen).toEqual(['a:a', 'b:b'])
  })
})
