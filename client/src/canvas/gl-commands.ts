// The renderer's regl draw commands. Positions arrive in image pixels; the `view` uniform
// (scale, tx, ty in device pixels) maps them to the screen, so panning and zooming change one
// uniform and never touch a buffer. Colours are blended premultiplied.

import type { Buffer, DefaultContext, DrawCommand, Regl, Texture2D } from 'regl'

export type Vec3 = [number, number, number]
export type Vec4 = [number, number, number, number]

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

export interface QuadProps extends ViewProps {
  /** Image-px rectangle and the texture-coordinate rectangle it shows. */
  rect: Vec4
  uv: Vec4
  texture: Texture2D
  /** Tint for masks (rgb, alpha); tiles pass [1,1,1,1] with `tint` 0. */
  color: Vec4
  tint: number
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

  const fill = regl<Record<string, unknown>, Record<string, unknown>, FillProps>({
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
      position: regl.prop<FillProps, 'positions'>('positions'),
      color: (_ctx: DefaultContext, props: FillProps) => ({
        buffer: props.colors,
        normalized: true,
        size: 4,
      }),
    },
    uniforms: { view: regl.prop<FillProps, 'view'>('view'), resolution },
    count: regl.prop<FillProps, 'count'>('count'),
    blend: PREMULTIPLIED,
    depth,
  })

  // Six vertices per segment (see shape-mesh.ts): a quad around it, widened to `width` CSS px
  // (+1 px feather for anti-aliasing) in screen space, square caps so consecutive segments join.
  // Not instanced: software GL (SwiftShader) runs each instance as a separate draw.
  const segments = regl<Record<string, unknown>, Record<string, unknown>, SegmentProps>({
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
      ends: (_ctx: DefaultContext, p: SegmentProps) => ({
        buffer: p.segments,
        size: 4,
        stride: 20,
        offset: 0,
      }),
      cornerSize: (_ctx: DefaultContext, p: SegmentProps) => ({
        buffer: p.segments,
        size: 1,
        stride: 20,
        offset: 16,
      }),
      color: (_ctx: DefaultContext, p: SegmentProps) => ({
        buffer: p.colors,
        size: 4,
        normalized: true,
      }),
    },
    uniforms: {
      view: regl.prop<SegmentProps, 'view'>('view'),
      pixelRatio: regl.prop<SegmentProps, 'pixelRatio'>('pixelRatio'),
      resolution,
    },
    count: (_ctx: DefaultContext, p: SegmentProps) => p.count * 6,
    blend: PREMULTIPLIED,
    depth,
  })

  // Six vertices per point: a disc (or square handle) of constant screen size with a ring.
  const dots = regl<Record<string, unknown>, Record<string, unknown>, DotProps>({
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
      dot: (_ctx: DefaultContext, p: DotProps) => ({ buffer: p.dots, size: 3 }),
      color: (_ctx: DefaultContext, p: DotProps) => ({
        buffer: p.colors,
        size: 4,
        normalized: true,
      }),
    },
    uniforms: {
      view: regl.prop<DotProps, 'view'>('view'),
      pixelRatio: regl.prop<DotProps, 'pixelRatio'>('pixelRatio'),
      ring: regl.prop<DotProps, 'ring'>('ring'),
      square: regl.prop<DotProps, 'square'>('square'),
      resolution,
    },
    count: (_ctx: DefaultContext, p: DotProps) => p.count * 6,
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
varying vec2 vUv;
void main() {
  vec4 t = texture2D(texture, vUv);
  gl_FragColor = tint > 0.5 ? vec4(color.rgb * color.a, color.a) * t.r : t;
}`,
    attributes: { corner: centredStrip },
    uniforms: {
      view: regl.prop<QuadProps, 'view'>('view'),
      rect: regl.prop<QuadProps, 'rect'>('rect'),
      uv: regl.prop<QuadProps, 'uv'>('uv'),
      texture: regl.prop<QuadProps, 'texture'>('texture'),
      color: regl.prop<QuadProps, 'color'>('color'),
      tint: regl.prop<QuadProps, 'tint'>('tint'),
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

  return { fill, segments, dots, quad, composite }
}
