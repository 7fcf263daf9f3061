// Append-only typed arrays that double when full; `view()` is the filled part.

export class GrowableF32 {
  data: Float32Array
  length = 0
  constructor(capacity = 1024) {
    this.data = new Float32Array(capacity)
  }
  reserve(n: number): void {
    if (this.length + n <= this.data.length) return
    let cap = this.data.length * 2
    while (cap < this.length + n) cap *= 2
    const next = new Float32Array(cap)
    next.set(this.data.subarray(0, this.length))
    this.data = next
  }
  view(): Float32Array {
    return this.data.subarray(0, this.length)
  }
  /** The filled part, copied (the buffer can then be reused). */
  copy(): Float32Array {
    return this.data.slice(0, this.length)
  }
}

export class GrowableU8 {
  data: Uint8Array
  length = 0
  constructor(capacity = 1024) {
    this.data = new Uint8Array(capacity)
  }
  reserve(n: number): void {
    if (this.length + n <= this.data.length) return
    let cap = this.data.length * 2
    while (cap < this.length + n) cap *= 2
    const next = new Uint8Array(cap)
    next.set(this.data.subarray(0, this.length))
    this.data = next
  }
  /** Appends one RGBA colour `n` times. */
  pushColor(r: number, g: number, b: number, a: number, n: number): void {
    this.reserve(n * 4)
    const d = this.data
    let o = this.length
    for (let i = 0; i < n; i++) {
      d[o++] = r
      d[o++] = g
      d[o++] = b
      d[o++] = a
    }
    this.length = o
  }
  view(): Uint8Array {
    return this.data.subarray(0, this.length)
  }
  /** The filled part, copied (the buffer can then be reused). */
  copy(): Uint8Array {
    return this.data.slice(0, this.length)
  }
}

export class GrowableU32 {
  data: Uint32Array
  length = 0
  constructor(capacity = 1024) {
    this.data = new Uint32Array(capacity)
  }
  reserve(n: number): void {
    if (this.length + n <= this.data.length) return
    let cap = this.data.length * 2
    while (cap < this.length + n) cap *= 2
    const next = new Uint32Array(cap)
    next.set(this.data.subarray(0, this.length))
    this.data = next
  }
  view(): Uint32Array {
    return this.data.subarray(0, this.length)
  }
  /** The filled part, copied (the buffer can then be reused). */
  copy(): Uint32Array {
    return this.data.slice(0, this.length)
  }
}
