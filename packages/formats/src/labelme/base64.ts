// Base64 (RFC 4648, standard alphabet with padding) without DOM or Node APIs, for LabelMe's
// `imageData` and mask PNGs. Decoding ignores whitespace and accepts missing padding.

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'
const LOOKUP = new Int16Array(256).fill(-1)
for (let i = 0; i < ALPHABET.length; i++) LOOKUP[ALPHABET.charCodeAt(i)] = i
// the URL-safe alphabet decodes too
LOOKUP['-'.charCodeAt(0)] = 62
LOOKUP['_'.charCodeAt(0)] = 63

export function base64Encode(bytes: Uint8Array): string {
  const parts: string[] = []
  let chunk = ''
  for (let i = 0; i < bytes.length; i += 3) {
    const a = bytes[i]!
    const b = i + 1 < bytes.length ? bytes[i + 1]! : 0
    const c = i + 2 < bytes.length ? bytes[i + 2]! : 0
    const n = (a << 16) | (b << 8) | c
    chunk +=
      ALPHABET[(n >> 18) & 63]! +
      ALPHABET[(n >> 12) & 63]! +
      (i + 1 < bytes.length ? ALPHABET[(n >> 6) & 63]! : '=') +
      (i + 2 < bytes.length ? ALPHABET[n & 63]! : '=')
    if (chunk.length >= 8192) {
      parts.push(chunk)
      chunk = ''
    }
  }
  parts.push(chunk)
  return parts.join('')
}

/** Decodes base64; null when the text is not base64. */
export function base64Decode(text: string): Uint8Array | null {
  const values = new Uint8Array(text.length)
  let count = 0
  let padding = 0
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i)
    if (code === 61) {
      padding++
      continue
    }
    if (code === 32 || code === 10 || code === 13 || code === 9) continue
    const value = code < 256 ? LOOKUP[code]! : -1
    if (value < 0 || padding > 0) return null
    values[count++] = value
  }
  if (count % 4 === 1 || padding > 2) return null
  const out = new Uint8Array(Math.floor((count * 3) / 4))
  let o = 0
  for (let i = 0; i < count; i += 4) {
    const n =
      (values[i]! << 18) |
      ((values[i + 1] ?? 0) << 12) |
      ((i + 2 < count ? values[i + 2]! : 0) << 6) |
      (i + 3 < count ? values[i + 3]! : 0)
    out[o++] = (n >> 16) & 255
    if (i + 2 < count) out[o++] = (n >> 8) & 255
    if (i + 3 < count) out[o++] = n & 255
  }
  return out
}
