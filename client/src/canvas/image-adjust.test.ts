import { describe, expect, it } from 'vitest'
import {
  NO_ADJUSTMENTS,
  adjustColor,
  adjustUniform,
  isNoAdjustment,
  parseAdjustments,
} from './image-adjust'

describe('image adjustments', () => {
  it('none leaves every colour as it is', () => {
    for (const rgb of [
      [0, 0, 0],
      [1, 1, 1],
      [0.2, 0.5, 0.9],
    ] as const) {
      const out = adjustColor(rgb, NO_ADJUSTMENTS)
      out.forEach((v, i) => expect(v).toBeCloseTo(rgb[i]!, 12))
    }
    expect(isNoAdjustment({ ...NO_ADJUSTMENTS })).toBe(true)
    expect(isNoAdjustment({ ...NO_ADJUSTMENTS, gamma: 1.05 })).toBe(false)
  })

  it('brightness scales, contrast spreads from mid-grey, saturation 0 is grey, gamma lifts shadows', () => {
    const base = { ...NO_ADJUSTMENTS }
    expect(adjustColor([0.2, 0.4, 0.6], { ...base, brightness: 2 })).toEqual([0.4, 0.8, 1])
    const contrast = adjustColor([0.25, 0.5, 0.75], { ...base, contrast: 2 })
    expect(contrast).toEqual([0, 0.5, 1])
    const [r, g, b] = adjustColor([0.9, 0.3, 0.1], { ...base, saturation: 0 })
    expect(r).toBeCloseTo(0.2126 * 0.9 + 0.7152 * 0.3 + 0.0722 * 0.1, 12)
    expect(g).toBe(r)
    expect(b).toBe(r)
    expect(adjustColor([0.25, 0.25, 0.25], { ...base, gamma: 2 })[0]).toBeCloseTo(0.5, 12)
    expect(adjustUniform({ ...base, gamma: 2 })).toEqual([1, 1, 1, 0.5])
  })

  it('reads stored values defensively: clamps to the slider ranges, ignores junk', () => {
    expect(parseAdjustments(null)).toEqual(NO_ADJUSTMENTS)
    expect(parseAdjustments('x')).toEqual(NO_ADJUSTMENTS)
    expect(
      parseAdjustments({ brightness: 99, contrast: -1, saturation: 'a', gamma: Number.NaN }),
    ).toEqual({ brightness: 3, contrast: 0.2, saturation: 1, gamma: 1 })
    expect(parseAdjustments({ saturation: 0 })).toEqual({ ...NO_ADJUSTMENTS, saturation: 0 })
  })
})
