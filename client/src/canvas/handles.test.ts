import { describe, expect, it } from 'vitest'
import { handlesFor } from './handles'

describe('handlesFor', () => {
  it('puts box handles on rotated corners and a rotation handle above the top edge', () => {
    const h = handlesFor(
      { id: 'r', type: 'rectangle', points: [0, 0, 100, 50], rotation: 90, color: '#fff' },
      2,
    )
    expect(h.filter((x) => x.kind === 'corner')).toHaveLength(4)
    expect(h.filter((x) => x.kind === 'edge')).toHaveLength(4)
    const rot = h.find((x) => x.kind === 'rotate')!
    // Top edge midpoint (50, 0) is 25 above the centre (50, 25); 14 more image px above it
    // (28 screen px at scale 2); rotated 90° clockwise about the centre: to the right.
    expect(rot.x).toBeCloseTo(50 + 39)
    expect(rot.y).toBeCloseTo(25)
  })

  it('gives one vertex handle per polygon point', () => {
    const h = handlesFor({ id: 'p', type: 'polygon', points: [0, 0, 1, 0, 1, 1], color: '#fff' }, 1)
    expect(h.map((x) => [x.kind, x.index])).toEqual([
      ['vertex', 0],
      ['vertex', 1],
      ['vertex', 2],
    ])
  })
})
