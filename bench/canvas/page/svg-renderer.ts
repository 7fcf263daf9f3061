/// <reference lib="dom" />
// The baseline CVAT uses: one SVG element per shape under a transformed group. Strokes keep
// their screen width with vector-effect (cheaper than CVAT's per-zoom stroke-width updates).

import type { Camera, RenderShape } from '../../../client/src/canvas/index'

const NS = 'http://www.w3.org/2000/svg'

export class SvgRenderer {
  readonly svg: SVGSVGElement
  private readonly group: SVGGElement

  constructor(
    container: HTMLElement,
    imageUrl: string,
    width: number,
    height: number,
    shapes: readonly RenderShape[],
  ) {
    this.svg = document.createElementNS(NS, 'svg')
    this.svg.setAttribute('width', String(container.clientWidth))
    this.svg.setAttribute('height', String(container.clientHeight))
    this.svg.style.cssText = 'position:absolute;inset:0;background:#1e1f22'
    this.group = document.createElementNS(NS, 'g')
    const image = document.createElementNS(NS, 'image')
    image.setAttribute('href', imageUrl)
    image.setAttribute('width', String(width))
    image.setAttribute('height', String(height))
    image.setAttribute('preserveAspectRatio', 'none')
    this.group.appendChild(image)
    for (const s of shapes) {
      const el = document.createElementNS(NS, 'polygon')
      el.setAttribute('points', s.points.map((v) => v.toFixed(1)).join(' '))
      el.setAttribute('fill', s.color)
      el.setAttribute('fill-opacity', '0.22')
      el.setAttribute('stroke', s.color)
      el.setAttribute('stroke-width', '1.5')
      el.setAttribute('vector-effect', 'non-scaling-stroke')
      this.group.appendChild(el)
    }
    this.svg.appendChild(this.group)
    container.appendChild(this.svg)
  }

  setCamera(c: Camera): void {
    this.group.setAttribute('transform', `matrix(${c.scale} 0 0 ${c.scale} ${c.tx} ${c.ty})`)
  }

  /** Forces style and layout now; paint and raster happen in the browser's frame. */
  forceLayout(): void {
    this.svg.getBoundingClientRect()
    this.group.getBoundingClientRect()
  }

  destroy(): void {
    this.svg.remove()
  }
}
