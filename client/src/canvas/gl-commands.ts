// The renderer's regl draw commands. Positions arrive in image pixels; the `view` uniform
// (scale, tx, ty in device pixels) maps them to the screen, so panning and zooming change one
// uniform and never touch a buffer. Colours are blended premultiplied.

import type { Buffer, DefaultContext, DrawCommand, Elements, Regl, Texture2D } from 'regl'
import { ADJUST_GLSL } from './image-adjust'

export type Vec3 = [number, number, number]
export type Vec4 = [number, number, number, number]

const NO_ADJUST: Vec4 = [1, 1, 1, 1]

/** Common uniform: image px → device px. */
export interface ViewProps {
  view: Vec3
}

export interface FillProps extends ViewProps {
  positions: Buffer
  colors: Buffer
  count: number
}

export interface SegmentProps extends ViewProps {
  segments: Buffer
  colors: Buffer
  /** Number of segments (6 vertices each). */
  count: number
  pixelRatio: number
}

export interface DotProps extends ViewProps {
  dots: Buffer
  colors: Buffer
  /** Number of dots (6 vertices each). */
  count: number
  pixelRatio: number
  /** Ring colour, premultiplied later. */
  ring: Vec4
  /** 1 draws squares (handles), 0 discs. */
  square: number
}

/** An indexed draw: `count` indices of `elements` from index `offset`. */
export interface IndexedProps {
  elements: Elements
  offset: number
  count: number
}

export interface IndexedFillProps extends ViewProps, IndexedProps {
  positions: Buffer
  colors: Buffer
}

export interface IndexedSegmentProps extends ViewProps, IndexedProps {
  /** 4 vertices per segment: ax, ay, bx, by, corner + width (see chunk-mesh.ts). */
  segments: Buffer
  colors: Buffer
  pixelRatio: number
}

export interface IndexedDotProps extends ViewProps, IndexedProps {
  dots: Buffer
  colors: Buffer
  pixelRatio: number
  ring: Vec4
  square: number
}

export interface SmallShapeProps extends ViewProps, IndexedProps {
  /** 4 vertices per shape: x1, y1, x2, y2, corner + roundness + width (see chunk-mesh.ts). */
  shapes: Buffer
  /** Label colour rgb and the fill's alpha. */
  colors: Buffer
  pixelRatio: number
}

export interface QuadProps extends ViewProps {
  /** Image-px rectangle and the texture-coordinate rectangle it shows. */
  rect: Vec4
  uv: Vec4
  texture: Texture2D
  /** Tint for masks (rgb, alpha); tiles pass [1,1,1,1] with `tint` 0. */
  color: Vec4
  tint: number
  /** Image tiles: `adjustUniform` of the viewer's image adjustments (none when absent). */
  adjust?: Vec4
}

export interface CompositeProps {
  texture: Texture2D
  /** Framebuffer px → screen device px: (k, ox, oy). */
  transform: Vec3
  /** Framebuffer size in px. */
  size: [number, number]
  /** 1 samples texel centres exactly (settled frames). */
  snap: number
}

export interface Commands {
  fill: DrawCommand<DefaultContext, FillProps>
  segments: DrawCommand<DefaultContext, SegmentProps>
  dots: DrawCommand<DefaultContext, DotProps>
  fillIndexed: DrawCommand<DefaultContext, IndexedFillProps>
  segmentsIndexed: DrawCommand<DefaultContext, IndexedSegmentProps>
  dotsIndexed: DrawCommand<DefaultContext, IndexedDotProps>
  smallShapes: DrawCommand<DefaultContext, SmallShapeProps>
  quad: DrawCommand<DefaultContext, QuadProps>
  composite: DrawCommand<DefaultContext, CompositeProps>
}

const PREMULTIPLIED = {
  enable: true,
  func: { srcRGB: 1, srcAlpha: 1, dstRGB: 'one minus src alpha', dstAlpha: 'one minus src alpha' },
} as const

const TO_CLIP = `
uniform vec3 view;
uniform vec2 resolution;
vec2 toScreen(vec2 p) { return p * view.x + view.yz; }
vec4 toClip(vec2 s) { vec2 c = s / resolution * 2.0 - 1.0; return vec4(c.x, -c.y, 0.0, 1.0); }
`

export function createCommands(regl: Regl): Commands {
  const resolution = (ctx: DefaultContext): [number, number] => [
    ctx.viewportWidth,
    ctx.viewportHeight,
  ]
  const centredStrip = regl.buffer([-1, -1, -1, 1, 1, -1, 1, 1])
  const depth = { enable: false }

  type Props = Record<string, unknown>
  // Non-indexed variants draw `count` primitives from vertex 0 (overlay, previews); indexed ones
  // draw `count` indices of `elements` from `offset` (annotation chunks, see chunk-mesh.ts).
  const indexed = {
    elements: (_ctx: DefaultContext, p: IndexedProps) => p.elements,
    offset: (_ctx: DefaultContext, p: IndexedProps) => p.offset,
    count: (_ctx: DefaultContext, p: IndexedProps) => p.count,
  }

  type AnyFill = FillProps | IndexedFillProps
  const fillSpec = {
    vert: `precision highp float;
${TO_CLIP}
attribute vec2 position;
attribute vec4 color;
varying vec4 vColor;
void main() {
  vColor = vec4(color.rgb * color.a, color.a);
  gl_Position = toClip(toScreen(position));
}`,
    frag: `precision mediump float;
varying vec4 vColor;
void main() { gl_FragColor = vColor; }`,
    attributes: {
      position: (_ctx: DefaultContext, p: AnyFill) => p.positions,
      color: (_ctx: DefaultContext, p: AnyFill) => ({
        buffer: p.colors,
        normalized: true,
        size: 4,
      }),
    },
    uniforms: { view: (_ctx: DefaultContext, p: AnyFill) => p.view, resolution },
    blend: PREMULTIPLIED,
    depth,
  }
  const fill = regl<Props, Props, FillProps>({
    ...fillSpec,
    count: (_ctx: DefaultContext, p: FillProps) => p.count,
  })
  const fillIndexed = regl<Props, Props, IndexedFillProps>({ ...fillSpec, ...indexed })

  // Four vertices per segment (six without indices; see shape-mesh.ts and chunk-mesh.ts): a
  // quad around it, widened to `width` CSS px (+1 px feather for anti-aliasing) in screen
  // space, square caps so consecutive segments join. Not instanced: software GL (SwiftShader)
  // runs each instance as a separate draw.
  type AnySegment = SegmentProps | IndexedSegmentProps
  const segmentSpec = {
    vert: `precision highp float;
${TO_CLIP}
uniform float pixelRatio;
attribute vec4 ends;
attribute float cornerSize;
attribute vec4 color;
varying vec4 vColor;
varying float vDist;
varying float vHalf;
void main() {
  float code = mod(cornerSize, 4.0);
  float width = floor(cornerSize / 4.0) / 16.0;
  vec2 corner = vec2(code >= 2.0 ? 1.0 : 0.0, mod(code, 2.0) < 0.5 ? -1.0 : 1.0);
  vec2 a = toScreen(ends.xy);
  vec2 b = toScreen(ends.zw);
  vec2 d = b - a;
  float len = length(d);
  vec2 dir = len > 1e-6 ? d / len : vec2(1.0, 0.0);
  vec2 n = vec2(-dir.y, dir.x);
  float halfWidth = 0.5 * width * pixelRatio;
  float ext = halfWidth + 1.0;
  vec2 p = mix(a, b, corner.x) + dir * (corner.x * 2.0 - 1.0) * halfWidth + n * corner.y * ext;
  vDist = corner.y * ext;
  vHalf = halfWidth;
  vColor = vec4(color.rgb * color.a, color.a);
  gl_Position = toClip(p);
}`,
    frag: `precision mediump float;
varying vec4 vColor;
varying float vDist;
varying float vHalf;
void main() {
  float a = clamp(vHalf + 0.5 - abs(vDist), 0.0, 1.0);
  gl_FragColor = vColor * a;
}`,
    attributes: {
      ends: (_ctx: DefaultContext, p: AnySegment) => ({
        buffer: p.segments,
        size: 4,
        stride: 20,
        offset: 0,
      }),
      cornerSize: (_ctx: DefaultContext, p: AnySegment) => ({
        buffer: p.segments,
        size: 1,
        stride: 20,
        offset: 16,
      }),
      color: (_ctx: DefaultContext, p: AnySegment) => ({
        buffer: p.colors,
        size: 4,
        normalized: true,
      }),
    },
    uniforms: {
      view: (_ctx: DefaultContext, p: AnySegment) => p.view,
      pixelRatio: (_ctx: DefaultContext, p: AnySegment) => p.pixelRatio,
      resolution,
    },
    blend: PREMULTIPLIED,
    depth,
  }
  const segments = regl<Props, Props, SegmentProps>({
    ...segmentSpec,
    count: (_ctx: DefaultContext, p: SegmentProps) => p.count * 6,
  })
  const segmentsIndexed = regl<Props, Props, IndexedSegmentProps>({ ...segmentSpec, ...indexed })

  // Four (or six) vertices per point: a disc (or square handle) of constant screen size with a
  // ring.
  type AnyDot = DotProps | IndexedDotProps
  const dotSpec = {
    vert: `precision highp float;
${TO_CLIP}
uniform float pixelRatio;
attribute vec3 dot;
attribute vec4 color;
varying vec4 vColor;
varying vec2 vLocal;
varying float vRadius;
varying float vBorder;
void main() {
  float code = mod(dot.z, 4.0);
  float radius = floor(dot.z / 4.0) / 16.0;
  vec2 corner = vec2(code >= 2.0 ? 1.0 : -1.0, mod(code, 2.0) < 0.5 ? -1.0 : 1.0);
  float r = radius * pixelRatio + 1.0;
  vBorder = 1.5 * pixelRatio;
  vLocal = corner * r;
  vRadius = radius * pixelRatio;
  vColor = color;
  gl_Position = toClip(toScreen(dot.xy) + corner * r);
}`,
    frag: `precision mediump float;
uniform vec4 ring;
uniform float square;
varying vec4 vColor;
varying vec2 vLocal;
varying float vRadius;
varying float vBorder;
void main() {
  float d = square > 0.5 ? max(abs(vLocal.x), abs(vLocal.y)) : length(vLocal);
  float outer = clamp(vRadius + 0.5 - d, 0.0, 1.0);
  float inner = clamp(vRadius - vBorder + 0.5 - d, 0.0, 1.0);
  vec4 c = mix(ring, vColor, inner);
  gl_FragColor = vec4(c.rgb * c.a, c.a) * outer;
}`,
    attributes: {
      dot: (_ctx: DefaultContext, p: AnyDot) => ({ buffer: p.dots, size: 3 }),
      color: (_ctx: DefaultContext, p: AnyDot) => ({
        buffer: p.colors,
        size: 4,
        normalized: true,
      }),
    },
    uniforms: {
      view: (_ctx: DefaultContext, p: AnyDot) => p.view,
      pixelRatio: (_ctx: DefaultContext, p: AnyDot) => p.pixelRatio,
      ring: (_ctx: DefaultContext, p: AnyDot) => p.ring,
      square: (_ctx: DefaultContext, p: AnyDot) => p.square,
      resolution,
    },
    blend: PREMULTIPLIED,
    depth,
  }
  const dots = regl<Props, Props, DotProps>({
    ...dotSpec,
    count: (_ctx: DefaultContext, p: DotProps) => p.count * 6,
  })
  const dotsIndexed = regl<Props, Props, IndexedDotProps>({ ...dotSpec, ...indexed })

  // Level of detail: a shape a few device px across as one quad over its bounds, shaded as a
  // rounded box (roundness 0 = box, 1 = stadium/ellipse-like) with the outline's colour and
  // width around the fill, which is what the exact outline looks like at that size. The quad
  // grows by half the line width + 1 px so a shape of no area still shows as a dot.
  const smallShapes = regl<Props, Props, SmallShapeProps>({
    vert: `precision highp float;
${TO_CLIP}
uniform float pixelRatio;
attribute vec4 rect;
attribute float shapeCode;
attribute vec4 color;
varying vec4 vColor;
varying vec2 vLocal;
varying vec2 vHalfSize;
varying float vRadius;
varying float vHalfLine;
void main() {
  float code = mod(shapeCode, 4.0);
  float rest = floor(shapeCode / 4.0);
  float roundness = mod(rest, 65.0) / 64.0;
  float width = floor(rest / 65.0) / 16.0;
  vec2 corner = vec2(code >= 2.0 ? 1.0 : -1.0, mod(code, 2.0) < 0.5 ? -1.0 : 1.0);
  vec2 a = toScreen(rect.xy);
  vec2 b = toScreen(rect.zw);
  vec2 halfSize = abs(b - a) * 0.5;
  // A little bolder than the line: at this size the exact outline's segments overlap at
  // every joint (square caps, blended twice), which reads as a heavier line.
  float halfLine = 0.5 * width * pixelRatio + 0.25;
  vec2 local = corner * (halfSize + halfLine + 1.0);
  vLocal = local;
  vHalfSize = halfSize;
  vRadius = roundness * min(halfSize.x, halfSize.y);
  vHalfLine = halfLine;
  vColor = color;
  gl_Position = toClip((a + b) * 0.5 + local);
}`,
    frag: `precision mediump float;
varying vec4 vColor;
varying vec2 vLocal;
varying vec2 vHalfSize;
varying float vRadius;
varying float vHalfLine;
void main() {
  vec2 q = abs(vLocal) - vHalfSize + vRadius;
  float d = length(max(q, 0.0)) + min(max(q.x, q.y), 0.0) - vRadius;
  float line = clamp(vHalfLine + 0.5 - abs(d), 0.0, 1.0);
  float inside = clamp(0.5 - d, 0.0, 1.0) * vColor.a;
  // Outline (opaque label colour) over the fill, premultiplied.
  float a = line + inside * (1.0 - line);
  gl_FragColor = vec4(vColor.rgb * a, a);
}`,
    attributes: {
      rect: (_ctx: DefaultContext, p: SmallShapeProps) => ({
        buffer: p.shapes,
        size: 4,
        stride: 20,
        offset: 0,
      }),
      shapeCode: (_ctx: DefaultContext, p: SmallShapeProps) => ({
        buffer: p.shapes,
        size: 1,
        stride: 20,
        offset: 16,
      }),
      color: (_ctx: DefaultContext, p: SmallShapeProps) => ({
        buffer: p.colors,
        size: 4,
        normalized: true,
      }),
    },
    uniforms: {
      view: (_ctx: DefaultContext, p: SmallShapeProps) => p.view,
      pixelRatio: (_ctx: DefaultContext, p: SmallShapeProps) => p.pixelRatio,
      resolution,
    },
    ...indexed,
    blend: PREMULTIPLIED,
    depth,
  })

  // A textured image-px rectangle: image tiles (premultiplied RGBA) and masks (luminance
  // coverage tinted with the label colour).
  const quad = regl<Record<string, unknown>, Record<string, unknown>, QuadProps>({
    vert: `precision highp float;
${TO_CLIP}
uniform vec4 rect;
uniform vec4 uv;
attribute vec2 corner;
varying vec2 vUv;
void main() {
  vec2 t = corner * 0.5 + 0.5;
  vUv = mix(uv.xy, uv.zw, t);
  gl_Position = toClip(toScreen(mix(rect.xy, rect.zw, t)));
}`,
    frag: `precision mediump float;
uniform sampler2D texture;
uniform vec4 color;
uniform float tint;
uniform vec4 adjust;
uniform float adjusting;
varying vec2 vUv;
${ADJUST_GLSL}
void main() {
  vec4 t = texture2D(texture, vUv);
  if (tint > 0.5) {
    gl_FragColor = vec4(color.rgb * color.a, color.a) * t.r;
  } else if (adjusting > 0.5 && t.a > 0.0) {
    gl_FragColor = vec4(adjustColor(t.rgb / t.a, adjust) * t.a, t.a);
  } else {
    gl_FragColor = t;
  }
}`,
    attributes: { corner: centredStrip },
    uniforms: {
      view: regl.prop<QuadProps, 'view'>('view'),
      rect: regl.prop<QuadProps, 'rect'>('rect'),
      uv: regl.prop<QuadProps, 'uv'>('uv'),
      texture: regl.prop<QuadProps, 'texture'>('texture'),
      color: regl.prop<QuadProps, 'color'>('color'),
      tint: regl.prop<QuadProps, 'tint'>('tint'),
      adjust: (_ctx: DefaultContext, p: QuadProps) => p.adjust ?? NO_ADJUST,
      adjusting: (_ctx: DefaultContext, p: QuadProps) => (p.adjust ? 1 : 0),
      resolution,
    },
    primitive: 'triangle strip',
    count: 4,
    blend: PREMULTIPLIED,
    depth,
  })

  // The annotation framebuffer (drawn with a margin around the screen) placed on the screen by
  // `transform`: screen device px = fb px * k + (ox, oy). `snap` samples texel centres exactly,
  // for settled frames (k = 1, whole-pixel offset) that must match a fresh redraw bit for bit.
  const composite = regl<Record<string, unknown>, Record<string, unknown>, CompositeProps>({
    vert: `precision highp float;
uniform vec3 transform;
uniform vec2 size;
uniform vec2 resolution;
attribute vec2 corner;
varying vec2 vUv;
void main() {
  vec2 t = corner * 0.5 + 0.5;
  vUv = vec2(t.x, 1.0 - t.y);
  vec2 s = t * size * transform.x + transform.yz;
  vec2 c = s / resolution * 2.0 - 1.0;
  gl_Position = vec4(c.x, -c.y, 0.0, 1.0);
}`,
    frag: `precision highp float;
uniform sampler2D texture;
uniform vec2 size;
uniform float snap;
varying vec2 vUv;
void main() {
  vec2 uv = snap > 0.5 ? (floor(vUv * size) + 0.5) / size : vUv;
  gl_FragColor = texture2D(texture, uv);
}`,
    attributes: { corner: centredStrip },
    uniforms: {
      texture: regl.prop<CompositeProps, 'texture'>('texture'),
      transform: regl.prop<CompositeProps, 'transform'>('transform'),
      size: regl.prop<CompositeProps, 'size'>('size'),
      snap: regl.prop<CompositeProps, 'snap'>('snap'),
      resolution,
    },
    primitive: 'triangle strip',
    count: 4,
    blend: PREMULTIPLIED,
    depth,
  })

  return {
    fill,
    segments,
    dots,
    fillIndexed,
    segmentsIndexed,
    dotsIndexed,
    smallShapes,
    quad,
    composite,
  }
}
