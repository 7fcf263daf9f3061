// The overlay: selection handles and the drawing preview in WebGL, remote cursors as a few
// DOM nodes (name labels need text). Redrawn on every pointer-driven change; it never touches
// the annotation layer's buffers or framebuffer. A mask being moved or resized previews as its
// own pixels (a texture stretched over the box, sampled nearest as the resize stores them) with
// the box outlined.

import type { Buffer, Regl, Texture2D } from 'regl'
import { imageToScreen, type Camera } from './camera'
import { parseHexColor } from './color'
import type { Commands, Vec3, Vec4 } from './gl-commands'
import { GrowableF32, GrowableU8 } from './growable'
import { PromptMarksLayer } from './prompt-marks'
import { decodeRle } from './rle'
import {
  buildShapeMesh,
  DOT_FLOATS,
  pushDot,
  pushSegment,
  QUAD_VERTICES,
  STYLE,
} from './shape-mesh'
import type { DrawingPreview, OverlayState, RemoteCursor, RleMask } from './types'

/** A preview may carry the pixels of the mask it shows (the editor sends them for masks). */
export type PreviewWithMask = DrawingPreview & { mask?: RleMask }

/** The quad a mask preview is drawn as. */
interface MaskQuad {
  rect: Vec4
  color: Vec4
}

interface DynamicMesh {
  buffers: Buffer[]
  fillVertices: number
  segmentCount: number
  dotCount: number
}

export class OverlayLayer {
  private state: OverlayState = {}
  private readonly preview: DynamicMesh
  private readonly handleDots: Buffer
  private readonly handleColors: Buffer
  private readonly rotateDots: Buffer
  private readonly rotateColors: Buffer
  private readonly stem: Buffer
  private readonly stemColor: Buffer
  private squareCount = 0
  private rotateCount = 0
  private ring: Vec4 = [0.2, 0.5, 1, 1]
  private maskTexture: Texture2D | null = null
  private maskSource: RleMask | null = null
  private maskQuad: MaskQuad | null = null
  private readonly labels: HTMLDivElement
  private readonly cursorNodes = new Map<string, HTMLDivElement>()
  private readonly prompts: PromptMarksLayer

  constructor(
    private readonly regl: Regl,
    private readonly commands: Commands,
    container: HTMLElement,
  ) {
    const dynamic = () => regl.buffer({ usage: 'dynamic', type: 'float', length: 16 })
    const dynamicU8 = () => regl.buffer({ usage: 'dynamic', type: 'uint8', length: 16 })
    this.preview = {
      buffers: [dynamic(), dynamicU8(), dynamic(), dynamicU8(), dynamic(), dynamicU8()],
      fillVertices: 0,
      segmentCount: 0,
      dotCount: 0,
    }
    this.handleDots = dynamic()
    this.handleColors = dynamicU8()
    this.rotateDots = dynamic()
    this.rotateColors = dynamicU8()
    this.stem = dynamic()
    this.stemColor = dynamicU8()
    this.prompts = new PromptMarksLayer(regl, commands)
    this.labels = document.createElement('div')
    this.labels.style.cssText = 'position:absolute;inset:0;pointer-events:none;overflow:hidden'
    container.appendChild(this.labels)
  }

  set(state: OverlayState): void {
    this.state = state
    this.uploadPreview()
    this.prompts.set(state.prompts)
    this.uploadHandles()
    this.syncCursorNodes(state.cursors ?? [])
  }

  draw(camera: Camera, pixelRatio: number): void {
    const view: Vec3 = [camera.scale * pixelRatio, camera.tx * pixelRatio, camera.ty * pixelRatio]
    const { commands } = this
    const [fp, fc, sg, sc, dt, dc] = this.preview.buffers as [
      Buffer,
      Buffer,
      Buffer,
      Buffer,
      Buffer,
      Buffer,
    ]
    if (this.maskQuad && this.maskTexture)
      commands.quad({
        view,
        rect: this.maskQuad.rect,
        uv: [0, 0, 1, 1],
        texture: this.maskTexture,
        color: this.maskQuad.color,
        tint: 1,
      })
    if (this.preview.fillVertices > 0)
      commands.fill({ view, positions: fp, colors: fc, count: this.preview.fillVertices })
    if (this.preview.segmentCount > 0)
      commands.segments({
        view,
        pixelRatio,
        segments: sg,
        colors: sc,
        count: this.preview.segmentCount,
      })
    if (this.preview.dotCount > 0)
      commands.dots({
        view,
        pixelRatio,
        dots: dt,
        colors: dc,
        count: this.preview.dotCount,
        ring: [1, 1, 1, 1],
        square: 0,
      })
    this.prompts.draw(view, camera.scale, pixelRatio)
    if (this.rotateCount > 0) {
      commands.segments({
        view,
        pixelRatio,
        segments: this.stem,
        colors: this.stemColor,
        count: this.rotateCount,
      })
      commands.dots({
        view,
        pixelRatio,
        dots: this.rotateDots,
        colors: this.rotateColors,
        count: this.rotateCount,
        ring: this.ring,
        square: 0,
      })
    }
    if (this.squareCount > 0)
      commands.dots({
        view,
        pixelRatio,
        dots: this.handleDots,
        colors: this.handleColors,
        count: this.squareCount,
        ring: this.ring,
        square: 1,
      })
    this.positionCursors(camera)
  }

  destroy(): void {
    this.releaseMaskTexture()
    this.prompts.destroy()
    this.labels.remove()
    for (const b of [
      ...this.preview.buffers,
      this.handleDots,
      this.handleColors,
      this.rotateDots,
      this.rotateColors,
      this.stem,
      this.stemColor,
    ])
      b.destroy()
  }

  private uploadPreview(): void {
    const p = this.state.preview as PreviewWithMask | null | undefined
    const m = this.preview
    this.maskQuad = null
    if (!p || p.points.length === 0) {
      m.fillVertices = m.segmentCount = m.dotCount = 0
      this.releaseMaskTexture()
      return
    }
    if (p.type === 'mask') return this.uploadMaskPreview(p)
    this.releaseMaskTexture()
    const mesh = buildShapeMesh([{ ...p, id: 'preview', selected: true }])
    // Vertices of point-list previews show as dots so the user sees each click.
    const dots = new GrowableF32(mesh.dots.length + 64)
    dots.data.set(mesh.dots)
    dots.length = mesh.dots.length
    if (p.type === 'polygon' || p.type === 'polyline')
      for (let i = 0; i + 1 < p.points.length; i += 2)
        pushDot(dots, p.points[i]!, p.points[i + 1]!, 3)
    const dotCount = dots.length / DOT_FLOATS
    const [r, g, b] = parseHexColor(p.color)
    const dotColors = new GrowableU8()
    dotColors.pushColor(r, g, b, 255, dotCount * QUAD_VERTICES)
    const data = [
      mesh.fillPositions,
      mesh.fillColors,
      mesh.segments,
      mesh.segmentColors,
      dots.view(),
      dotColors.view(),
    ]
    // Empty parts keep their old contents; their counts below are zero.
    data.forEach((d, i) => {
      if (d.length > 0) m.buffers[i]!(d)
    })
    m.fillVertices = mesh.fillVertices
    m.segmentCount = mesh.segmentCount
    m.dotCount = dotCount
  }

  /** The mask's pixels over its (new) box, and the box's outline. */
  private uploadMaskPreview(p: PreviewWithMask): void {
    const [a = 0, b = 0, c = 0, d = 0] = p.points
    const [x1, y1, x2, y2] = [Math.min(a, c), Math.min(b, d), Math.max(a, c), Math.max(b, d)]
    const outline = buildShapeMesh([
      {
        id: 'preview',
        type: 'polyline',
        points: [x1, y1, x2, y1, x2, y2, x1, y2, x1, y1],
        color: p.color,
      },
    ])
    const m = this.preview
    m.buffers[2]!(outline.segments)
    m.buffers[3]!(outline.segmentColors)
    m.segmentCount = outline.segmentCount
    m.fillVertices = m.dotCount = 0
    const texture = p.mask ? this.textureFor(p.mask) : null
    if (!texture) return
    const [r, g, bl] = parseHexColor(p.color)
    this.maskQuad = {
      rect: [x1, y1, x2, y2],
      color: [r / 255, g / 255, bl / 255, STYLE.selectedFillAlpha + 0.15],
    }
  }

  /** The mask's texture, uploaded once per mask (a drag keeps the same RLE object). */
  private textureFor(mask: RleMask): Texture2D | null {
    if (mask === this.maskSource) return this.maskTexture
    this.releaseMaskTexture()
    this.maskSource = mask
    const [h, w] = mask.size
    try {
      this.maskTexture = this.regl.texture({
        data: decodeRle(mask),
        width: Math.max(1, w),
        height: Math.max(1, h),
        format: 'luminance',
        type: 'uint8',
        alignment: 1,
        min: 'nearest',
        mag: 'nearest',
        wrap: 'clamp',
      })
    } catch {
      // Larger than the GPU allows: the outline alone shows the box.
      this.maskTexture = null
    }
    return this.maskTexture
  }

  private releaseMaskTexture(): void {
    this.maskTexture?.destroy()
    this.maskTexture = null
    this.maskSource = null
  }

  private uploadHandles(): void {
    const handles = this.state.handles ?? []
    const [r, g, b] = parseHexColor(this.state.handleColor ?? '#3380ff')
    this.ring = [r / 255, g / 255, b / 255, 1]
    const squares = new GrowableF32(64)
    const discs = new GrowableF32(32)
    const stem = new GrowableF32(32)
    for (const h of handles) {
      if (h.kind === 'rotate') {
        const top = handles.find((t) => t.kind === 'edge' && t.index === 0)
        if (!top) continue
        pushDot(discs, h.x, h.y, 5)
        pushSegment(stem, top.x, top.y, h.x, h.y, 1)
      } else pushDot(squares, h.x, h.y, h.kind === 'edge' ? 3.5 : 4.5)
    }
    const white = (n: number) => new Uint8Array(n * QUAD_VERTICES * 4).fill(255)
    this.squareCount = squares.length / DOT_FLOATS
    this.rotateCount = discs.length / DOT_FLOATS
    if (this.squareCount > 0) {
      this.handleDots(squares.view())
      this.handleColors(white(this.squareCount))
    }
    if (this.rotateCount > 0) {
      this.rotateDots(discs.view())
      this.rotateColors(white(this.rotateCount))
      this.stem(stem.view())
      const color = new GrowableU8(32)
      color.pushColor(r, g, b, 255, this.rotateCount * QUAD_VERTICES)
      this.stemColor(color.view())
    }
  }

  private syncCursorNodes(cursors: readonly RemoteCursor[]): void {
    const seen = new Set<string>()
    for (const c of cursors) {
      seen.add(c.id)
      let node = this.cursorNodes.get(c.id)
      if (!node) {
        node = document.createElement('div')
        node.style.cssText = 'position:absolute;left:0;top:0;will-change:transform'
        node.innerHTML =
          '<svg width="16" height="20" viewBox="0 0 16 20" style="display:block">' +
          '<path d="M1 1 L1 16 L5 12 L8 19 L11 18 L8 11 L14 11 Z" stroke="#fff" stroke-width="1.5"/>' +
          '</svg><span style="position:absolute;left:14px;top:16px;padding:1px 6px;' +
          'border-radius:4px;font:12px/16px system-ui,sans-serif;color:#fff;white-space:nowrap">' +
          '</span>'
        this.labels.appendChild(node)
        this.cursorNodes.set(c.id, node)
      }
      node.querySelector('path')?.setAttribute('fill', c.color)
      const label = node.querySelector('span')
      if (label) {
        label.textContent = c.name
        label.style.background = c.color
      }
    }
    for (const [id, node] of this.cursorNodes) {
      if (seen.has(id)) continue
      node.remove()
      this.cursorNodes.delete(id)
    }
  }

  private positionCursors(camera: Camera): void {
    for (const c of this.state.cursors ?? []) {
      const node = this.cursorNodes.get(c.id)
      if (!node) continue
      const [x, y] = imageToScreen(camera, c.x, c.y)
      node.style.transform = `translate(${x - 1}px, ${y - 1}px)`
    }
  }
}
