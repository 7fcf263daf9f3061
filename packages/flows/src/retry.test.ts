import { describe, expect, it } from 'vitest'
import { seededRandom } from './random'
import { exponentialBackoff, retryDelayMs } from './retry'

const never = () => 0.999_999

describe('retry delays', () => {
  it('uses a fixed number, a list (last repeats) or a function', () => {
    expect(retryDelayMs({ retryDelaySeconds: 3 }, 1, never)).toBe(3000)
    expect(retryDelayMs({ retryDelaySeconds: 3 }, 4, never)).toBe(3000)
    const list = { retryDelaySeconds: [1, 10, 60] }
    expect([1, 2, 3, 4].map((n) => retryDelayMs(list, n, never))).toEqual([
      1000, 10_000, 60_000, 60_000,
    ])
    expect(retryDelayMs({}, 1, never)).toBe(0)
  })

  it('backs off exponentially', () => {
    const options = { retryDelaySeconds: exponentialBackoff(2) }
    expect([1, 2, 3, 4].map((n) => retryDelayMs(options, n, never))).toEqual([
      2000, 4000, 8000, 16_000,
    ])
    expect(() => exponentialBackoff(-1)).toThrow(RangeError)
  })

  it('applies jitter within [d, d × (1 + factor)], spread out, reproducible with a seed', () => {
    const options = { retryDelaySeconds: 10, retryJitterFactor: 0.5 }
    const random = seededRandom(42)
    const delays = Array.from({ length: 200 }, () => retryDelayMs(options, 1, random))
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(10_000)
    expect(Math.max(...delays)).toBeLessThanOrEqual(15_000)
    expect(new Set(delays).size).toBeGreaterThan(100)
    expect(Math.min(...delays)).toBeLessThan(10_500)
    expect(Math.max(...delays)).toBeGreaterThan(14_500)
    const again = seededRandom(42)
    expect(Array.from({ length: 200 }, () => retryDelayMs(options, 1, again))).toEqual(delays)
  })
})
