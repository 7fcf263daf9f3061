// The annotation layer: every shape, batched per chunk into a few big GPU buffers, drawn into
// an offscreen framebuffer that covers the screen plus a margin on every side. It is redrawn
// when the shapes change or navigation settles; overlay-only frames composite its texture
// again, and pan/zoom frames composite it transformed (see annotation-cache.ts).
//
// Chunks are buckets of nearby shapes (chunk-plan.ts), so a redraw skips every chunk whose
// bounds miss the framebuffer; each pass (fills, masks, small shapes, outlines, points) runs
// over the visible chunks in order, as one batch of indexed draws, and shapes only a few
// device px big are drawn as one quad each instead of their exact geometry (chunk-mesh.ts).
// A big rebuild (a job's first paint) can be shared with a mesh worker (chunk-builds.ts).

import type { Buffer, Elements, Framebuffer2D, Regl, Texture2D } from 'regl'
import { cacheMargin, type CacheMargin } from './annotation-cache'
import type { Camera, Size } from './camera'
import { DEFAULT_CELL_SIZE, planChunks, type Chunk } from './chunk-plan'
import { EXACT_CLASS, SMALL_SHAPE_PX, smallClassLimit, type ChunkMesh } from './chunk-mesh'
import { parseHexColor } from './color'
import { buildChunkMeshes } from './chunk-builds'
import { needsUint32, type PackedMesh } from './mesh-codec'
import type { MeshWorker } from './mesh-worker'
import type {
  Commands,
  IndexedDotProps,
  IndexedFillProps,
  IndexedSegmentProps,
  SmallShapeProps,
  Vec3,
} from './gl-commands'
import type { Bounds } from './geometry'
import { decodeRle } from './rle'
import { cachedBounds } from './shape-bounds'
import { STYLE } from './shape-mesh'
import type { RedrawStats, RenderShape, RleMask } from './types'

interface Part {
  vertices: Buffer
  colors: Buffer
  elements: Elements
}

interface ChunkBuffers {
  fill: Part
  segments: Part
  dots: Part
  small: Part
  mesh: Pick<
    ChunkMesh,
    'fillStart' | 'segmentStart' | 'smallStart' | 'masks' | 'bounds' | 'maxVertices'
  > & { dotIndices: number }
}

/** One draw of a redraw: a batchable command's props, or a mask quad. */
type Step =
  | { kind: 'fill'; props: IndexedFillProps }
  | { kind: 'small'; props: SmallShapeProps }
  | { kind: 'segments'; props: IndexedSegmentProps }
  | { kind: 'dots'; props: IndexedDotProps }
  | { kind: 'mask'; shape: RenderShape; view: Vec3 }

/** A framebuffer and its colour texture. */
interface Target {
  texture: Texture2D
  framebuffer: Framebuffer2D
}

/** A redraw under way into the back framebuffer (see begin / advance). */
interface PendingDraw {
  camera: Camera
  steps: Step[]
  next: number
  stats: RedrawStats
}

/** What a mask quad costs against the index budget (its texture fill dominates). */
const MASK_COST = 2000

const WHITE: [number, number, number, number] = [1, 1, 1, 1]
/** Device px a shape's drawing can reach past its bounds: widest line or dot, plus feather. */
const REACH_PX = Math.max(STYLE.selectedLineWidth / 2, STYLE.selectedDotRadius) + 2

export class AnnotationLayer {
  private chunks: Chunk[] = []
  private readonly buffers = new Map<Chunk, ChunkBuffers>()
  private readonly maskTextures = new Map<RleMask, Texture2D>()
  /** The framebuffer shown, and the one a redraw in steps draws into until it is swapped in. */
  private front: Target
  private back: Target
  private pending: PendingDraw | null = null
  private readonly uint32: boolean
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
  lastDraw: RedrawStats = { chunksDrawn: 0, chunksSkipped: 0, smallShapes: 0, indices: 0 }

  constructor(
    private readonly regl: Regl,
    private readonly commands: Commands,
    private readonly chunkSize = 1024,
    private readonly cellSize = DEFAULT_CELL_SIZE,
    private readonly smallShapePx = SMALL_SHAPE_PX,
    private readonly meshWorker: MeshWorker | null = null,
    private readonly meshWorkerMinShapes?: number,
  ) {
    // Linear, so a texture scaled during navigation looks smooth; settled frames sample texel
    // centres exactly (see the composite command).
    const target = (): Target => {
      const texture = regl.texture({ width: 1, height: 1, min: 'linear', mag: 'linear' })
      return { texture, framebuffer: regl.framebuffer({ color: texture, depthStencil: false }) }
    }
    this.front = target()
    this.back = target()
    this.uint32 = regl.hasExtension('OES_element_index_uint')
  }

  /** The shown framebuffer's colour attachment, composited onto the screen. */
  get texture(): Texture2D {
    return this.front.texture
  }

  /** How far the redraw under way is, 0–1 (by steps). */
  get progress(): number {
    const p = this.pending
    return p ? p.next / Math.max(1, p.steps.length) : 0
  }

  /** The camera of the redraw under way in steps, if any. */
  get drawing(): Camera | null {
    return this.pending?.camera ?? null
  }

  /** Rebuilds the buffers of chunks whose shapes changed (by object identity). */
  setShapes(shapes: readonly RenderShape[]): void {
    // A redraw under way refers to buffers that are about to change.
    this.pending = null
    const plan = planChunks(this.chunks, shapes, this.chunkSize, this.cellSize)
    for (const chunk of plan.removed) this.freeChunk(chunk)
    buildChunkMeshes(
      plan.dirty,
      this.meshWorker,
      (chunk, mesh, masks) => this.upload(chunk, mesh, masks),
      this.meshWorkerMinShapes,
    )
    this.chunks = plan.chunks
    this.sweepMasks()
  }

  /** Number of chunks (GPU buffer sets) the shapes are split into. */
  get chunkCount(): number {
    return this.chunks.length
  }

  /** Sizes the framebuffer for a screen of `width` × `height` device px, plus the margin. */
  resize(width: number, height: number): void {
    this.margin = cacheMargin(width, height, this.regl.limits.maxTextureSize)
    this.size = {
      width: Math.max(1, width + 2 * this.margin.x),
      height: Math.max(1, height + 2 * this.margin.y),
    }
    this.front.framebuffer.resize(this.size.width, this.size.height)
    this.back.framebuffer.resize(this.size.width, this.size.height)
    this.drawnAt = null
    this.pending = null
  }

  /**
   * Redraws the chunks that touch the framebuffer for this camera (screen offset by the
   * margin), all at once: fills, masks, small shapes, outlines, points, each pass over the
   * chunks in order.
   */
  draw(camera: Camera, pixelRatio: number): void {
    this.begin(camera, pixelRatio)
    this.advance(Infinity)
  }

  /**
   * Starts a redraw for this camera into the back framebuffer, drawn in steps by `advance`
   * (so navigation frames can spread it out) and shown once complete. The result is the same
   * as `draw`'s, byte for byte: the same draws in the same order into a cleared framebuffer.
   */
  begin(camera: Camera, pixelRatio: number): void {
    const scale = camera.scale * pixelRatio
    const view: Vec3 = [
      scale,
      camera.tx * pixelRatio + this.margin.x,
      camera.ty * pixelRatio + this.margin.y,
    ]
    const reach = REACH_PX * pixelRatio
    const area: Bounds = [
      (-reach - view[1]) / scale,
      (-reach - view[2]) / scale,
      (this.size.width + reach - view[1]) / scale,
      (this.size.height + reach - view[2]) / scale,
    ]
    const limit = smallClassLimit(scale, this.smallShapePx)
    const fills: Step[] = []
    const masks: Step[] = []
    const small: Step[] = []
    const segments: Step[] = []
    const dots: Step[] = []
    const stats: RedrawStats = {
      chunksDrawn: 0,
      chunksSkipped: 0,
      smallShapes: 0,
      indices: 0,
    }
    for (const chunk of this.chunks) {
      const b = this.buffers.get(chunk)
      if (!b) continue
      const m = b.mesh
      if (!intersects(m.bounds, area)) {
        stats.chunksSkipped++
        continue
      }
      stats.chunksDrawn++
      const fillFrom = m.fillStart[limit]!
      const fillTo = m.fillStart[EXACT_CLASS + 1]!
      if (fillTo > fillFrom)
        fills.push({
          kind: 'fill',
          props: {
            positions: b.fill.vertices,
            colors: b.fill.colors,
            elements: b.fill.elements,
            view,
            offset: fillFrom,
            count: fillTo - fillFrom,
          },
        })
      for (const shape of m.masks)
        if (intersects(cachedBounds(shape), area)) masks.push({ kind: 'mask', shape, view })
      const smallTo = m.smallStart[limit]!
      if (smallTo > 0) {
        small.push({
          kind: 'small',
          props: {
            shapes: b.small.vertices,
            colors: b.small.colors,
            elements: b.small.elements,
            view,
            pixelRatio,
            offset: 0,
            count: smallTo,
          },
        })
        stats.smallShapes += smallTo / 6
      }
      const segFrom = m.segmentStart[limit]!
      const segTo = m.segmentStart[EXACT_CLASS + 1]!
      if (segTo > segFrom)
        segments.push({
          kind: 'segments',
          props: {
            segments: b.segments.vertices,
            colors: b.segments.colors,
            elements: b.segments.elements,
            view,
            pixelRatio,
            offset: segFrom,
            count: segTo - segFrom,
          },
        })
      if (m.dotIndices > 0)
        dots.push({
          kind: 'dots',
          props: {
            dots: b.dots.vertices,
            colors: b.dots.colors,
            elements: b.dots.elements,
            view,
            pixelRatio,
            offset: 0,
            count: m.dotIndices,
            ring: WHITE,
            square: 0,
          },
        })
    }
    const steps = [...fills, ...masks, ...small, ...segments, ...dots]
    for (const step of steps) if (step.kind !== 'mask') stats.indices += step.props.count
    this.pending = { camera, steps, next: 0, stats }
    this.regl({ framebuffer: this.back.framebuffer })(() => {
      this.regl.clear({ color: [0, 0, 0, 0] })
    })
  }

  /**
   * Runs the pending redraw's next steps, about `budget` indices' worth (at least one step);
   * when it completes, swaps it in and returns true. False if unfinished or none is pending.
   */
  advance(budget: number): boolean {
    const pending = this.pending
    if (!pending) return false
    const { steps } = pending
    let end = pending.next
    let spent = 0
    while (end < steps.length && (end === pending.next || spent < budget)) {
      const step = steps[end++]!
      spent += step.kind === 'mask' ? MASK_COST : step.props.count
    }
    const { commands } = this
    this.regl({ framebuffer: this.back.framebuffer })(() => {
      // Consecutive steps of one kind go to the GPU as one batch.
      let i = pending.next
      while (i < end) {
        const kind = steps[i]!.kind
        let j = i
        while (j < end && steps[j]!.kind === kind) j++
        const run = steps.slice(i, j)
        if (kind === 'mask') {
          for (const s of run) if (s.kind === 'mask') this.drawMask(s.shape, s.view)
        } else if (kind === 'fill') {
          commands.fillIndexed(run.map((s) => (s as Extract<Step, { kind: 'fill' }>).props))
        } else if (kind === 'small') {
          commands.smallShapes(run.map((s) => (s as Extract<Step, { kind: 'small' }>).props))
        } else if (kind === 'segments') {
          commands.segmentsIndexed(run.map((s) => (s as Extract<Step, { kind: 'segments' }>).props))
        } else {
          commands.dotsIndexed(run.map((s) => (s as Extract<Step, { kind: 'dots' }>).props))
        }
        i = j
      }
    })
    pending.next = end
    if (end < steps.length) return false
    this.pending = null
    const shown = this.front
    this.front = this.back
    this.back = shown
    this.drawnAt = pending.camera
    this.lastDraw = pending.stats
    this.redraws++
    return true
  }

  destroy(): void {
    for (const chunk of this.chunks) this.freeChunk(chunk)
    for (const t of this.maskTextures.values()) t.destroy()
    this.maskTextures.clear()
    for (const t of [this.front, this.back]) t.framebuffer.destroy()
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
    for (const b of this.buffers.values())
      for (const s of b.mesh.masks) if (s.mask) live.add(s.mask)
    for (const [mask, texture] of this.maskTextures) {
      if (!live.has(mask)) {
        texture.destroy()
        this.maskTextures.delete(mask)
      }
    }
  }

  private upload(chunk: Chunk, mesh: PackedMesh, masks: RenderShape[]): void {
    this.chunkRebuilds++
    const old = this.buffers.get(chunk)
    const wide = needsUint32(mesh)
    if (wide && !this.uint32)
      throw new Error('a chunk needs 32-bit indices (OES_element_index_uint)')
    const part = (
      existing: Part | undefined,
      vertices: Float32Array,
      colors: Uint8Array,
      indices: Uint32Array | Uint16Array,
    ): Part => {
      // The worker's meshes have indices narrowed already where they fit.
      const data = wide || indices instanceof Uint16Array ? indices : new Uint16Array(indices)
      const type = data instanceof Uint16Array ? ('uint16' as const) : ('uint32' as const)
      if (existing) {
        existing.vertices(padded(vertices))
        existing.colors(padded(colors))
        existing.elements({ data, type, primitive: 'triangles' })
        return existing
      }
      return {
        vertices: this.regl.buffer({ data: padded(vertices), usage: 'static' }),
        colors: this.regl.buffer({ data: padded(colors), usage: 'static' }),
        elements: this.regl.elements({ data, type, primitive: 'triangles', usage: 'static' }),
      }
    }
    this.buffers.set(chunk, {
      fill: part(old?.fill, mesh.fillPositions, mesh.fillColors, mesh.fillIndices),
      segments: part(old?.segments, mesh.segments, mesh.segmentColors, mesh.segmentIndices),
      dots: part(old?.dots, mesh.dots, mesh.dotColors, mesh.dotIndices),
      small: part(old?.small, mesh.small, mesh.smallColors, mesh.smallIndices),
      mesh: {
        fillStart: mesh.fillStart,
        segmentStart: mesh.segmentStart,
        smallStart: mesh.smallStart,
        masks,
        bounds: mesh.bounds,
        maxVertices: mesh.maxVertices,
        dotIndices: mesh.dotIndices.length,
      },
    })
  }

  private freeChunk(chunk: Chunk): void {
    const b = this.buffers.get(chunk)
    if (!b) return
    for (const part of [b.fill, b.segments, b.dots, b.small]) {
      part.vertices.destroy()
      part.colors.destroy()
      part.elements.destroy()
    }
    this.buffers.delete(chunk)
  }
}

/** An empty upload would leave a zero-size buffer; one padding element is harmless. */
function padded<T extends Float32Array | Uint8Array>(data: T): T {
  return data.length > 0 ? data : new (data.constructor as new (n: number) => T)(4)
}

function intersects(a: Bounds, b: Bounds): boolean {
  return a[0] <= b[2] && a[2] >= b[0] && a[1] <= b[3] && a[3] >= b[1]
}
