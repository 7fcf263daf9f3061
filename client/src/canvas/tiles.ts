// The image pyramid: level L shows the image at 1 / 2^L, cut into tileSize × tileSize tiles,
// so a tile at level L covers tileSize · 2^L image pixels. Only tiles that touch the view at
// the level matching the zoom are made; the coarsest level is one tile for the whole image.

export interface TileKey {
  level: number
  col: number
  row: number
}

export interface TileRect extends TileKey {
  /** Image-px rectangle the tile covers (may extend past the image). */
  x: number
  y: number
  span: number
}

export function tileKeyString(t: TileKey): string {
  return `${t.level}/${t.col}/${t.row}`
}

/** The level at which the whole image fits one tile. */
export function coarsestLevel(width: number, height: number, tileSize: number): number {
  let level = 0
  while (tileSize * 2 ** level < Math.max(width, height)) level++
  return level
}

/** The finest level that is not magnified at `scale` (screen px per image px × pixel ratio). */
export function levelForScale(scale: number, maxLevel: number): number {
  if (!(scale > 0)) return maxLevel
  const level = Math.floor(Math.log2(1 / scale))
  return Math.max(0, Math.min(maxLevel, level))
}

/** Tiles of `level` that intersect the image-px rectangle [x1, y1, x2, y2] and the image. */
export function tilesInRect(
  level: number,
  rect: readonly [number, number, number, number],
  width: number,
  height: number,
  tileSize: number,
): TileRect[] {
  const span = tileSize * 2 ** level
  const c1 = Math.max(0, Math.floor(rect[0] / span))
  const r1 = Math.max(0, Math.floor(rect[1] / span))
  const c2 = Math.min(Math.ceil(width / span) - 1, Math.floor(rect[2] / span))
  const r2 = Math.min(Math.ceil(height / span) - 1, Math.floor(rect[3] / span))
  const out: TileRect[] = []
  for (let row = r1; row <= r2; row++) {
    for (let col = c1; col <= c2; col++) {
      out.push({ level, col, row, x: col * span, y: row * span, span })
    }
  }
  return out
}

/** Largest power-of-two tile size ≤ min(4096, maxTextureSize, wanted). */
export function chooseTileSize(maxTextureSize: number, wanted = 1024): number {
  const limit = Math.min(4096, maxTextureSize, wanted)
  let size = 1
  while (size * 2 <= limit) size *= 2
  return size
}
