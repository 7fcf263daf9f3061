/// <reference lib="dom" />
// A straightforward Canvas2D renderer: cached Path2D per shape in image px, the camera as the
// context transform, fill + stroke per shape, redrawn whole on every view change.

import type { Camera, RenderShape } from '../../../client/src/canvas/index'

export class Canvas2dRenderer {
  readonly canvas: HTMLCanvasElement
  private readonly ctx: CanvasRenderingContext2D
  private readonly paths: { path: Path2D; fill: string; stroke: string }[]
  private camera: Camera = { scale: 1, tx: 0, ty: 0 }

  constructor(
    container: HTMLElement,
    private readonly image: ImageBitmap,
    private readonly width: number,
    private readonly height: number,
    shapes: readonly RenderShape[],
  ) {
    this.canvas = document.createElement('canvas')
    this.canvas.width = container.clientWidth
    this.canvas.height = container.clientHeight
    this.canvas.style.cssText = 'position:absolute;inset:0'
    container.appendChild(this.canvas)
    this.ctx = this.canvas.getContext('2d')!
    this.paths = shapes.map((s) => {
      const path = new Path2D()
      const p = s.points
      path.moveTo(p[0]!, p[1]!)
      for (let i = 2; i < p.length; i += 2) path.lineTo(p[i]!, p[i + 1]!)
      path.closePath()
      return { path, fill: hexToRgba(s.color, 0.22), stroke: s.color }
    })
  }

  setCamera(c: Camera): void {
    this.camera = c
  }

  draw(): void {
    const { ctx, camera: c } = this
    ctx.setTransform(1, 0, 0, 1, 0, 0)
    ctx.fillStyle = '#1e1f22'
    ctx.fillRect(0, 0, this.canvas.width, this.canvas.height)
    ctx.setTransform(c.scale, 0, 0, c.scale, c.tx, c.ty)
    ctx.drawImage(this.image, 0, 0, this.width, this.height)
    ctx.lineWidth = 1.5 / c.scale
    for (const { path, fill, stroke } of this.paths) {
      ctx.fillStyle = fill
      ctx.fill(path)
      ctx.strokeStyle = stroke
      ctx.stroke(path)
    }
  }

  /** Reading a pixel waits for the canvas to finish drawing. */
  finish(): void {
    this.ctx.getImageData(0, 0, 1, 1)
  }

  destroy(): void {
    this.canvas.remove()
  }
}

function hexToRgba(hex: string, alpha: number): string {
  const n = parseInt(hex.slice(1), 16)
  return `rgba(${(n >> 16) & 255},${(n >> 8) & 255},${n & 255},${alpha})`
}
