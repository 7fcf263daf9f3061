// A large JSON file written in parts (COCO, Datumaro): a million annotations are ~250 MB of JSON,
// near V8's longest string, and one object tree plus its string plus its bytes is several times
// that. Arrays are stringified a chunk at a time and encoded at once; the bytes joined at the end
// are exactly those of one `JSON.stringify` of the whole file.

import { strToU8 } from 'fflate'

export const encodeJson = (text: string): Uint8Array => strToU8(text)

export function joinBytes(parts: readonly Uint8Array[]): Uint8Array {
  let length = 0
  for (const part of parts) length += part.length
  const out = new Uint8Array(length)
  let offset = 0
  for (const part of parts) {
    out.set(part, offset)
    offset += part.length
  }
  return out
}

/** A JSON array written in parts: the UTF-8 bytes of `[a,b` `,c,d` … `]`, as one stringify gives. */
export class JsonArrayParts {
  private readonly list: Uint8Array[] = []
  private empty = true

  add(items: readonly unknown[]): void {
    if (items.length === 0) return
    const text = JSON.stringify(items)
    // `[a,b]` → `[a,b` for the first chunk, `,a,b` for the rest
    this.list.push(encodeJson((this.empty ? '[' : ',') + text.slice(1, -1)))
    this.empty = false
  }

  parts(): Uint8Array[] {
    return this.empty ? [encodeJson('[]')] : [...this.list, encodeJson(']')]
  }
}
