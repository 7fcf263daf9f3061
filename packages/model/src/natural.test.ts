import { describe, expect, it } from 'vitest'
import { naturalCompare } from './natural'

describe('naturalCompare', () => {
  it('orders digit runs by value', () => {
    const names = ['img10.png', 'img2.png', 'img1.png', 'a', 'img02.png', 'B', 'img2.jpg']
    expect(names.sort(naturalCompare)).toEqual([
      'B',
      'a',
      'img1.png',
      'img2.jpg',
      'img02.png',
      'img2.png',
      'img10.png',
    ])
  })

  it('is a total order: antisymmetric and zero only for equal strings', () => {
    const names = ['x1', 'x01', 'x001', 'x1a', 'x', '1', '01', '']
    for (const a of names) {
      for (const b of names) {
        expect(Math.sign(naturalCompare(a, b)) + Math.sign(naturalCompare(b, a))).toBe(0)
        expect(naturalCompare(a, b) === 0).toBe(a === b)
      }
    }
  })
})
