import { describe, expect, it } from 'vitest'
import { fitWithin } from './thumbnail-protocol'

describe('fitWithin', () => {
  it('scales the longest side down and never up', () => {
    expect(fitWithin(4000, 3000, 256)).toEqual({ width: 256, height: 192 })
    expect(fitWithin(300, 6000, 256)).toEqual({ width: 13, height: 256 })
    expect(fitWithin(100, 50, 256)).toEqual({ width: 100, height: 50 })
    expect(fitWithin(10000, 1, 256)).toEqual({ width: 256, height: 1 })
  })
})
