// The annotation layer: every shape, batched per chunk into a few big GPU buffers, drawn into
// an offscreen framebuffer that covers the screen plus a margin on every side. It is redrawn
// when the shapes change or navigation settles; overlay-only frames composite its texture
// again, and pan/zoom frames composite it transformed (see annotation-cache.ts).

import type { Buffer, Framebuffer2D, Regl, Texture2D } from 'regl'
import { cacheMargin, type CacheMargin } from './annotation-cache'
import type { Camera, Size } from './camera'
import { planChunks, type Chunk } from './chunk-plan'
import { parseHexColor } from './color'
import type { Commands, Vec3 } from './gl-commands'
import { decodeRle } from './rle'
import { buildShapeMesh, STYLE } from './shape-mesh'
import type { RenderShape, RleMask } from './types'

interface ChunkBuffers {
  fillPositions: Buffer
  fillColors: Buffer
  fillVertices: number
  segments: Buffer
  segmentColors: Buffer
  segmentCount: number
  dots: Buffer
  dotColors: Buffer
  dotCount: number
  masks: RenderShape[]
}

const WHITE: [number, number, number, number] = [1, 1, 1, 1]

export class AnnotationLayer {
  private chunks: Chunk[] = []
  private readonly buffers = new Map<Chunk, ChunkBuffers>()
  private readonly maskTextures = new Map<RleMask, Texture2D>()
  private readonly framebuffer: Framebuffer2D
  /** The framebuffer's colour attachment, composited onto the screen. */
  readonly texture: Texture2D
  /** Times the layer was redrawn into its framebuffer. */
  redraws = 0
  /** Chunks whose buffers were rebuilt. */
  chunkRebuilds = 0
  /** Device px of framebuffer on each side of the screen. */
  margin: CacheMargin = { x: 0, y: 0 }
  /** Framebuffer size in device px. */
  size: Size = { width: 1, height: 1 }
  /** The camera the framebuffer was last drawn at (null until drawn or after a resize). */
  drawnAt: Camera | null = null

  constructor(
    private readonly regl: Regl,
    private readonly commands: Commands,
    private readonly chunkSize = 1024,
  ) {
    // Linear, so a texture scaled during navigation looks smooth; settled frames sample texel
    // centres exactly (see the composite command).
    this.texture = regl.texture({ width: 1, height: 1, min: 'linear', mag: 'linear' })
    this.framebuffer = regl.framebuffer({ color: this.texture, depthStencil: false })
  }

  /** Rebuilds the buffers of chunks whose shapes changed (by object identity). */
  setShapes(shapes: readonly RenderShape[]): void {
    const plan = planChunks(this.chunks, shapes, this.chunkSize)
    for (const chunk of plan.removed) this.freeChunk(chunk)
    for (const chunk of plan.dirty) this.upload(chunk)
    this.chunks = plan.chunks
    this.sweepMasks()
  }

  /** Sizes the framebuffer for a screen of `width` × `height` device px, plus the margin. */
  resize(width: number, height: number): void {
    this.margin = cacheMargin(width, height, this.regl.limits.maxTextureSize)
    this.size = {
      width: Math.max(1, width + 2 * this.margin.x),
      height: Math.max(1, height + 2 * this.margin.y),
    }
    this.framebuffer.resize(this.size.width, this.size.height)
    this.drawnAt = null
  }

  /** Redraws every chunk into the framebuffer for this camera (screen offset by the margin). */
  draw(camera: Camera, pixelRatio: number): void {
    this.redraws++
    this.drawnAt = camera
    const view: Vec3 = [
      camera.scale * pixelRatio,
      camera.tx * pixelRatio + this.margin.x,
      camera.ty * pixelRatio + this.margin.y,
    ]
    const { commands } = this
    this.regl({ framebuffer: this.framebuffer })(() => {
      this.regl.clear({ color: [0, 0, 0, 0] })
      for (const chunk of this.chunks) {
        const b = this.buffers.get(chunk)
        if (!b) continue
        if (b.fillVertices > 0)
          commands.fill({
            view,
            positions: b.fillPositions,
            colors: b.fillColors,
            count: b.fillVertices,
          })
        for (const shape of b.masks) this.drawMask(shape, view)
        if (b.segmentCount > 0)
          commands.segments({
            view,
            pixelRatio,
            segments: b.segments,
            colors: b.segmentColors,
            count: b.segmentCount,
          })
        if (b.dotCount > 0)
          commands.dots({
            view,
            pixelRatio,
            dots: b.dots,
            colors: b.dotColors,
            count: b.dotCount,
            ring: WHITE,
            square: 0,
          })
      }
    })
  }

  destroy(): void {
    for (const chunk of this.chunks) this.freeChunk(chunk)
    for (const t of this.maskTextures.values()) t.destroy()
    this.maskTextures.clear()
    this.framebuffer.destroy()
  }

  private drawMask(shape: RenderShape, view: Vec3): void {
    if (!shape.mask) return
    const texture = this.maskTexture(shape.mask)
    const [a = 0, b = 0, c = 0, d = 0] = shape.points
    const [r, g, bl] = parseHexColor(shape.color)
    const alpha = shape.selected ? STYLE.selectedFillAlpha + 0.15 : STYLE.maskAlpha
    this.commands.quad({
      view,
      rect: [Math.min(a, c), Math.min(b, d), Math.max(a, c), Math.max(b, d)],
      uv: [0, 0, 1, 1],
      texture,
      color: [r / 255, g / 255, bl / 255, alpha],
      tint: 1,
    })
  }

  private maskTexture(mask: RleMask): Texture2D {
    let texture = this.maskTextures.get(mask)
    if (!texture) {
      const [h, w] = mask.size
      texture = this.regl.texture({
        data: decodeRle(mask),
        width: Math.max(1, w),
        height: Math.max(1, h),
        format: 'luminance',
        type: 'uint8',
        alignment: 1,
        min: 'linear',
        mag: 'nearest',
        wrap: 'clamp',
      })
      this.maskTextures.set(mask, texture)
    }
    return texture
  }

  /** Frees textures of masks no shape uses any more. */
  private sweepMasks(): void {
    const live = new Set<RleMask>()
    for (const b of this.buffers.values()) for (const s of b.masks) if (s.mask) live.add(s.mask)
    for (const [mask, texture] of this.maskTextures) {
      if (!live.has(mask)) {
        texture.destroy()
        this.maskTextures.delete(mask)
      }
    }
  }

  private upload(chunk: Chunk): void {
    this.chunkRebuilds++
    const mesh = buildShapeMesh(chunk.shapes)
    const old = this.buffers.get(chunk)
    const buffer = (existing: Buffer | undefined, data: Float32Array | Uint8Array) => {
      // An empty upload would leave a zero-size buffer; one padding element is harmless.
      const payload = data.length > 0 ? data : new (data.constructor as typeof Uint8Array)(4)
      if (existing) {
        existing(payload)
        return existing
      }
      return this.regl.buffer({ data: payload, usage: 'static' })
    }
    this.buffers.set(chunk, {
      fillPositions: buffer(old?.fillPositions, mesh.fillPositions),
      fillColors: buffer(old?.fillColors, mesh.fillColors),
      fillVertices: mesh.fillVertices,
      segments: buffer(old?.segments, mesh.segments),
      segmentColors: buffer(old?.segmentColors, mesh.segmentColors),
      segmentCount: mesh.segmentCount,
      dots: buffer(old?.dots, mesh.dots),
      dotColors: buffer(old?.dotColors, mesh.dotColors),
      dotCount: mesh.dotCount,
      masks: mesh.masks,
    })
  }

  private freeChunk(chunk: Chunk): void {
    const b = this.buffers.get(chunk)
    if (!b) return
    for (const buf of [
      b.fillPositions,
      b.fillColors,
      b.segments,
      b.segmentColors,
      b.dots,
      b.dotColors,
    ])
      buf.destroy()
    this.buffers.delete(chunk)
  }
}
