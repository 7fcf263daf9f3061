// The synthetic dataset of the benchmark: `shapes` annotations spread evenly over `images`
// images (90 % subset train, 10 % val), 1920×1080, half boxes and half 8-point polygons, on four
// labels with non-contiguous ids, three of them with attributes; image and annotation ids are
// non-contiguous too. Coordinates have two decimals, as a tool's output does. Deterministic.

import type { Dataset, DatasetAnnotation, DatasetImage, DatasetLabel } from '@loupe/formats'
import { seededRandom } from '@loupe/flows'

const LABELS: DatasetLabel[] = [
  {
    name: 'car',
    sourceId: 3,
    attributes: [
      { name: 'color', type: 'select', values: ['red', 'blue', 'white', 'black'] },
      { name: 'parked', type: 'checkbox', values: [] },
    ],
  },
  {
    name: 'person',
    sourceId: 7,
    attributes: [{ name: 'age', type: 'number', values: [0, 120, 1] }],
  },
  {
    name: 'traffic sign',
    sourceId: 12,
    attributes: [{ name: 'text', type: 'text', values: [] }],
  },
  { name: 'tree', sourceId: 40, attributes: [] },
]

const COLORS = ['red', 'blue', 'white', 'black']
const SIGNS = ['STOP', 'Yield', '50', 'Einbahnstraße']

const W = 1920
const H = 1080
const two = (x: number) => Math.round(x * 100) / 100

export function buildDataset(shapes: number, imageCount: number): Dataset {
  const next = seededRandom(42)
  const images: DatasetImage[] = []
  let shapeId = 0
  for (let i = 0; i < imageCount; i++) {
    // spread the remainder so exactly `shapes` annotations exist
    const count =
      Math.floor(((i + 1) * shapes) / imageCount) - Math.floor((i * shapes) / imageCount)
    const annotations: DatasetAnnotation[] = []
    for (let k = 0; k < count; k++) {
      const labelIndex = Math.floor(next() * LABELS.length)
      const label = LABELS[labelIndex]!
      const w = 8 + next() * 300
      const h = 8 + next() * 200
      const x = next() * (W - w)
      const y = next() * (H - h)
      const attributes: DatasetAnnotation['attributes'] = {}
      if (labelIndex === 0) {
        attributes.color = COLORS[Math.floor(next() * COLORS.length)]!
        attributes.parked = next() < 0.5
      } else if (labelIndex === 1) attributes.age = Math.floor(next() * 90)
      else if (labelIndex === 2) attributes.text = SIGNS[Math.floor(next() * SIGNS.length)]!
      shapeId += 1 + (shapeId % 3) // non-contiguous: +1, +2, +3, …
      let points: number[]
      if (k % 2 === 0) {
        points = [two(x), two(y), two(x + w), two(y + h)]
      } else {
        // an 8-point polygon inside the box
        points = []
        for (let p = 0; p < 8; p++) {
          const angle = (p / 8) * 2 * Math.PI
          const r = 0.6 + next() * 0.4
          points.push(
            two(x + (w / 2) * (1 + r * Math.cos(angle))),
            two(y + (h / 2) * (1 + r * Math.sin(angle))),
          )
        }
      }
      annotations.push({
        type: k % 2 === 0 ? 'rectangle' : 'polygon',
        label: label.name,
        points,
        attributes,
        occluded: next() < 0.1,
        sourceId: shapeId,
      })
    }
    const n = String(i).padStart(6, '0')
    images.push({
      name: `frame_${n}.jpg`,
      width: W,
      height: H,
      subset: i % 10 === 9 ? 'val' : 'train',
      annotations,
      tags: [],
      sourceId: 1000 + i * 2,
    })
  }
  return { name: 'bench', labels: LABELS, images }
}
