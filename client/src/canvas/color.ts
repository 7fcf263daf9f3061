// '#rrggbb' → bytes, cached because 20k shapes share a handful of label colours.

const cache = new Map<string, [number, number, number]>()

export function parseHexColor(color: string): [number, number, number] {
  let rgb = cache.get(color)
  if (rgb) return rgb
  const m = /^#?([0-9a-f]{6})$/i.exec(color.trim())
  const n = m?.[1] ? parseInt(m[1], 16) : 0x808080
  rgb = [(n >> 16) & 255, (n >> 8) & 255, n & 255]
  cache.set(color, rgb)
  return rgb
}
