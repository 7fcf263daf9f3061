/// <reference lib="dom" />
// Deterministic test scenes: a synthetic photo-like image and shapes from a seeded PRNG.

import { encodeRle, type RenderShape } from '../../../client/src/canvas/index'

export const PALETTE = ['#ff4d4f', '#40a9ff', '#73d13d', '#ffc53d', '#b37feb', '#36cfc9', '#ff85c0']

export function prng(seed: number): () => number {
  let s = seed >>> 0
  return () => {
    s = (s + 0x6d2b79f5) >>> 0
    let t = s
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** A width × height bitmap with gradients, blobs and a grid, so tiles and zoom are visible. */
export function makeImage(width: number, height: number): ImageBitmap {
  const canvas = new OffscreenCanvas(width, height)
  const ctx = canvas.getContext('2d')!
  const g = ctx.createLinearGradient(0, 0, width, height)
  g.addColorStop(0, '#2b3a4a')
  g.addColorStop(0.5, '#4a5a3a')
  g.addColorStop(1, '#5a3a3a')
  ctx.fillStyle = g
  ctx.fillRect(0, 0, width, height)
  const rand = prng(7)
  for (let i = 0; i < 400; i++) {
    ctx.fillStyle = `hsla(${rand() * 360}, 35%, ${30 + rand() * 30}%, 0.5)`
    ctx.beginPath()
    ctx.arc(rand() * width, rand() * height, (20 + rand() * 200) * (width / 4000), 0, Math.PI * 2)
    ctx.fill()
  }
  ctx.strokeStyle = 'rgba(255,255,255,0.18)'
  ctx.lineWidth = Math.max(1, width / 4000)
  const step = Math.max(50, Math.round(width / 40))
  for (let x = 0; x <= width; x += step) {
    ctx.beginPath()
    ctx.moveTo(x, 0)
    ctx.lineTo(x, height)
    ctx.stroke()
  }
  for (let y = 0; y <= height; y += step) {
    ctx.beginPath()
    ctx.moveTo(0, y)
    ctx.lineTo(width, y)
    ctx.stroke()
  }
  return canvas.transferToImageBitmap()
}

/** `count` polygons of `vertices` points each, spread over the image. */
export function makePolygons(count: number, vertices: number, w: number, h: number) {
  const rand = prng(42)
  const shapes: RenderShape[] = []
  for (let i = 0; i < count; i++) {
    const cx = 60 + rand() * (w - 120)
    const cy = 60 + rand() * (h - 120)
    const r = 15 + rand() * 40
    const points: number[] = []
    for (let k = 0; k < vertices; k++) {
      const t = (k / vertices) * Math.PI * 2
      const rr = r * (0.6 + 0.4 * rand())
      points.push(cx + rr * Math.cos(t), cy + rr * Math.sin(t))
    }
    shapes.push({ id: `p${i}`, type: 'polygon', points, color: PALETTE[i % PALETTE.length]! })
  }
  return shapes
}

/** A few hundred shapes of every type, for the screenshot. */
export function makeMixedScene(w: number, h: number): RenderShape[] {
  const rand = prng(3)
  const shapes: RenderShape[] = []
  const color = () => PALETTE[Math.floor(rand() * PALETTE.length)]!
  const at = () => [80 + rand() * (w - 160), 80 + rand() * (h - 160)] as const
  for (let i = 0; i < 300; i++) {
    const [x, y] = at()
    const kind = i % 6
    const id = `m${i}`
    if (kind === 0) {
      shapes.push({
        id,
        type: 'rectangle',
        points: [x, y, x + 30 + rand() * 60, y + 20 + rand() * 50],
        color: color(),
      })
    } else if (kind === 1) {
      const pts: number[] = []
      const n = 5 + Math.floor(rand() * 8)
      for (let k = 0; k < n; k++) {
        const t = (k / n) * Math.PI * 2
        const r = 15 + rand() * 35
        pts.push(x + r * Math.cos(t), y + r * Math.sin(t))
      }
      shapes.push({ id, type: 'polygon', points: pts, color: color() })
    } else if (kind === 2) {
      const pts = [x, y]
      for (let k = 0; k < 4; k++) pts.push(x + (k + 1) * 20, y + (rand() - 0.5) * 50)
      shapes.push({ id, type: 'polyline', points: pts, color: color() })
    } else if (kind === 3) {
      shapes.push({
        id,
        type: 'points',
        points: [x, y, x + 15, y + 10, x - 10, y + 18],
        color: color(),
      })
    } else if (kind === 4) {
      shapes.push({
        id,
        type: 'ellipse',
        points: [x, y, 15 + rand() * 30, 8 + rand() * 20],
        rotation: rand() * 180,
        color: color(),
      })
    } else {
      shapes.push({
        id,
        type: 'rectangle',
        points: [x, y, x + 50, y + 24],
        rotation: rand() * 90,
        color: color(),
      })
    }
  }
  // Large, easy-to-inspect examples of each type in the top-left corner.
  shapes.push({
    id: 'big-rect',
    type: 'rectangle',
    points: [120, 100, 420, 260],
    rotation: 20,
    color: '#ffc53d',
    selected: true,
  })
  shapes.push({
    id: 'big-ellipse',
    type: 'ellipse',
    points: [700, 200, 160, 70],
    rotation: -30,
    color: '#b37feb',
  })
  shapes.push({
    id: 'big-mask',
    type: 'mask',
    points: [900, 500, 1220, 820],
    mask: ringMask(160, 160),
    color: '#36cfc9',
  })
  shapes.push({
    id: 'skeleton',
    type: 'skeleton',
    points: [300, 500, 300, 580, 250, 640, 350, 640, 300, 700, 260, 780, 340, 780],
    edges: [
      [0, 1],
      [1, 2],
      [1, 3],
      [1, 4],
      [4, 5],
      [4, 6],
    ],
    color: '#ff85c0',
  })
  return shapes
}

/** An annulus with a notch, so RLE decoding and orientation errors are visible. */
function ringMask(h: number, w: number) {
  const px = new Uint8Array(h * w)
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const d = Math.hypot(x - w / 2, y - h / 2)
      const notch = x > w / 2 && Math.abs(y - h / 2) < 12
      if (d < w * 0.48 && d > w * 0.25 && !notch) px[y * w + x] = 1
    }
  }
  // A solid block in the top-left corner marks orientation.
  for (let y = 0; y < 30; y++) for (let x = 0; x < 50; x++) px[y * w + x] = 1
  return encodeRle(px, h, w)
}
