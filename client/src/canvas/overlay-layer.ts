// The overlay: selection handles and the drawing preview in WebGL, remote cursors as a few
// DOM nodes (name labels need text). Redrawn on every pointer-driven change; it never touches
// the annotation layer's buffers or framebuffer.

import type { Buffer, Regl } from 'regl'
import { imageToScreen, type Camera } from './camera'
import { parseHexColor } from './color'
import type { Commands, Vec3, Vec4 } from './gl-commands'
import { buildShapeMesh } from './shape-mesh'
import type { OverlayState, RemoteCursor } from './types'

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
  private readonly labels: HTMLDivElement
  private readonly cursorNodes = new Map<string, HTMLDivElement>()

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
    this.labels = document.createElement('div')
    this.labels.style.cssText = 'position:absolute;inset:0;pointer-events:none;overflow:hidden'
    container.appendChild(this.labels)
  }

  set(state: OverlayState): void {
    this.state = state
    this.uploadPreview()
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
    if (this.preview.fillVertices > 0)
      commands.fill({ view, positions: fp, colors: fc, count: this.preview.fillVertices })
    if (this.preview.segmentCount > 0)
      commands.segments({
        view,
        pixelRatio,
        segments: sg,
        colors: sc,
        instances: this.preview.segmentCount,
      })
    if (this.preview.dotCount > 0)
      commands.dots({
        view,
        pixelRatio,
        dots: dt,
        colors: dc,
        instances: this.preview.dotCount,
        ring: [1, 1, 1, 1],
        square: 0,
      })
    if (this.rotateCount > 0) {
      commands.segments({
        view,
        pixelRatio,
        segments: this.stem,
        colors: this.stemColor,
        instances: 1,
      })
      commands.dots({
        view,
        pixelRatio,
        dots: this.rotateDots,
        colors: this.rotateColors,
        instances: this.rotateCount,
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
        instances: this.squareCount,
        ring: this.ring,
        square: 1,
      })
    this.positionCursors(camera)
  }

  destroy(): void {
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
    const p = this.state.preview
    const m = this.preview
    if (!p || p.points.length === 0) {
      m.fillVertices = m.segmentCount = m.dotCount = 0
      return
    }
    const mesh = buildShapeMesh([{ ...p, id: 'preview', selected: true }])
    // Vertices of point-list previews show as dots so the user sees each click.
    const vertexDots: number[] = []
    if (p.type === 'polygon' || p.type === 'polyline')
      for (let i = 0; i + 1 < p.points.length; i += 2)
        vertexDots.push(p.points[i]!, p.points[i + 1]!, 3)
    const dots = new Float32Array([...mesh.dots, ...vertexDots])
    const [r, g, b] = parseHexColor(p.color)
    const dotColors = new Uint8Array((dots.length / 3) * 4)
    for (let i = 0; i < dotColors.length; i += 4) dotColors.set([r, g, b, 255], i)
    const data = [
      mesh.fillPositions,
      mesh.fillColors,
      mesh.segments,
      mesh.segmentColors,
      dots,
      dotColors,
    ]
    // Empty parts keep their old contents; their counts below are zero.
    data.forEach((d, i) => {
      if (d.length > 0) m.buffers[i]!(d)
    })
    m.fillVertices = mesh.fillVertices
    m.segmentCount = mesh.segmentCount
    m.dotCount = dots.length / 3
  }

  private uploadHandles(): void {
    const handles = this.state.handles ?? []
    const [r, g, b] = parseHexColor(this.state.handleColor ?? '#3380ff')
    this.ring = [r / 255, g / 255, b / 255, 1]
    const squares: number[] = []
    const discs: number[] = []
    let stem: number[] = []
    for (const h of handles) {
      if (h.kind === 'rotate') {
        discs.push(h.x, h.y, 5)
        const top = handles.find((t) => t.kind === 'edge' && t.index === 0)
        if (top) stem = [top.x, top.y, h.x, h.y, 1]
      } else squares.push(h.x, h.y, h.kind === 'edge' ? 3.5 : 4.5)
    }
    const white = (n: number) => new Uint8Array(n * 4).fill(255)
    this.squareCount = squares.length / 3
    this.rotateCount = stem.length > 0 ? discs.length / 3 : 0
    if (this.squareCount > 0) {
      this.handleDots(new Float32Array(squares))
      this.handleColors(white(this.squareCount))
    }
    if (this.rotateCount > 0) {
      this.rotateDots(new Float32Array(discs))
      this.rotateColors(white(this.rotateCount))
      this.stem(new Float32Array(stem))
      this.stemColor(new Uint8Array([r, g, b, 255]))
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
