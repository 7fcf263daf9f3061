// Draws the image from a tile pyramid (see tiles.ts). Tiles are cut with
// createImageBitmap(source, sx, sy, sw, sh, resize) on demand, uploaded as mipmapped textures,
// and evicted least-recently-drawn past a budget. While finer tiles load, coarser ones show.

import type { Regl, Texture2D } from 'regl'
import type { Camera, Size } from './camera'
import { visibleRect } from './camera'
import type { Commands, Vec3, Vec4 } from './gl-commands'
import { adjustUniform, isNoAdjustment } from './image-adjust'
import type { ImageAdjustments } from './image-adjust'
import {
  chooseTileSize,
  coarsestLevel,
  levelForScale,
  tileKeyString,
  tilesInRect,
  type TileRect,
} from './tiles'

export type ImageInput = ImageBitmap | Blob | HTMLImageElement | HTMLCanvasElement | OffscreenCanvas

interface Tile {
  texture: Texture2D
  lastUsed: number
}

export interface TileLayerOptions {
  tileSize?: number
  /** Tiles kept on the GPU (1024² RGBA + mips ≈ 5.6 MB each). */
  maxTiles?: number
  /** Nearest-neighbour sampling when zoomed past 1:1, to see pixels. */
  pixelated?: boolean
}

export class TileLayer {
  private source: ImageBitmap | HTMLImageElement | HTMLCanvasElement | OffscreenCanvas | null = null
  private width = 0
  private height = 0
  private maxLevel = 0
  private readonly tiles = new Map<string, Tile>()
  private readonly loading = new Set<string>()
  private generation = 0
  private tick = 0
  readonly tileSize: number
  private readonly maxTiles: number
  /** The viewer's brightness, contrast, saturation and gamma (undefined: none). */
  private adjust: Vec4 | undefined

  constructor(
    private readonly regl: Regl,
    private readonly commands: Commands,
    private readonly onTileReady: () => void,
    private readonly options: TileLayerOptions = {},
  ) {
    this.tileSize = chooseTileSize(regl.limits.maxTextureSize, options.tileSize)
    this.maxTiles = options.maxTiles ?? 64
  }

  get size(): Size {
    return { width: this.width, height: this.height }
  }

  setAdjustments(adjustments: ImageAdjustments): void {
    this.adjust = isNoAdjustment(adjustments) ? undefined : adjustUniform(adjustments)
  }

  async setImage(input: ImageInput | null, width: number, height: number): Promise<void> {
    const generation = ++this.generation
    this.clearTiles()
    if (!input) {
      this.source = null
      return
    }
    const source = input instanceof Blob ? await createImageBitmap(input) : input
    if (generation !== this.generation) return
    this.source = source
    this.width = width
    this.height = height
    this.maxLevel = coarsestLevel(width, height, this.tileSize)
    // The overview tile first, so something is always on screen.
    await this.load({
      level: this.maxLevel,
      col: 0,
      row: 0,
      x: 0,
      y: 0,
      span: this.tileSize * 2 ** this.maxLevel,
    })
  }

  /** Whether every tile the view wants at its level is on the GPU. */
  draw(camera: Camera, view: Size, pixelRatio: number): boolean {
    if (!this.source) return true
    this.tick++
    const rect = visibleRect(camera, view)
    const target = levelForScale(camera.scale * pixelRatio, this.maxLevel)
    const wanted = tilesInRect(target, rect, this.width, this.height, this.tileSize)
    const complete = wanted.every((t) => this.tiles.has(tileKeyString(t)))
    for (const t of wanted) void this.load(t)
    const viewUniform: Vec3 = [
      camera.scale * pixelRatio,
      camera.tx * pixelRatio,
      camera.ty * pixelRatio,
    ]
    // Coarse to fine: coarser tiles fill holes while finer ones load.
    for (let level = complete ? target : this.maxLevel; level >= target; level--) {
      for (const t of tilesInRect(level, rect, this.width, this.height, this.tileSize)) {
        const tile = this.tiles.get(tileKeyString(t))
        if (!tile) continue
        tile.lastUsed = this.tick
        const x2 = Math.min(t.x + t.span, this.width)
        const y2 = Math.min(t.y + t.span, this.height)
        this.commands.quad({
          view: viewUniform,
          rect: [t.x, t.y, x2, y2],
          uv: [0, 0, (x2 - t.x) / t.span, (y2 - t.y) / t.span],
          texture: tile.texture,
          color: [1, 1, 1, 1],
          tint: 0,
          adjust: this.adjust,
        })
      }
    }
    return complete
  }

  destroy(): void {
    this.generation++
    this.clearTiles()
    this.source = null
  }

  private async load(t: TileRect): Promise<void> {
    const key = tileKeyString(t)
    if (this.tiles.has(key) || this.loading.has(key) || !this.source) return
    this.loading.add(key)
    const generation = this.generation
    try {
      const size = this.tileSize
      const bitmap = await createImageBitmap(this.source, t.x, t.y, t.span, t.span, {
        premultiplyAlpha: 'premultiply',
        ...(t.level > 0
          ? { resizeWidth: size, resizeHeight: size, resizeQuality: 'medium' as const }
          : {}),
      })
      if (generation !== this.generation) {
        bitmap.close()
        return
      }
      const texture = this.regl.texture({
        // regl accepts ImageBitmap at run time; its typings predate it.
        data: bitmap as unknown as HTMLCanvasElement,
        mipmap: true,
        // One mip level per lookup: the pyramid level already matches the zoom within 2x, and
        // trilinear filtering doubles the texture reads of every image pixel on software GL.
        min: 'linear mipmap nearest',
        mag: this.options.pixelated ? 'nearest' : 'linear',
        wrap: 'clamp',
      })
      bitmap.close()
      this.tiles.set(key, { texture, lastUsed: this.tick })
      this.evict()
      this.onTileReady()
    } finally {
      this.loading.delete(key)
    }
  }

  private evict(): void {
    if (this.tiles.size <= this.maxTiles) return
    const overview = tileKeyString({ level: this.maxLevel, col: 0, row: 0 })
    const byAge = [...this.tiles].filter(([k]) => k !== overview)
    byAge.sort((a, b) => a[1].lastUsed - b[1].lastUsed)
    for (const [key, tile] of byAge.slice(0, this.tiles.size - this.maxTiles)) {
      tile.texture.destroy()
      this.tiles.delete(key)
    }
  }

  private clearTiles(): void {
    for (const tile of this.tiles.values()) tile.texture.destroy()
    this.tiles.clear()
  }
}
