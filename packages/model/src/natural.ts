const CHUNK = /(\d+)|(\D+)/g

/**
 * Natural order of names: `img2.png` before `img10.png`. Deterministic on every peer
 * (no locale), ties broken by plain code-unit order.
 */
export function naturalCompare(a: string, b: string): number {
  const as = a.match(CHUNK) ?? []
  const bs = b.match(CHUNK) ?? []
  const n = Math.min(as.length, bs.length)
  for (let i = 0; i < n; i++) {
    const x = as[i] as string
    const y = bs[i] as string
    const xDigits = x.charCodeAt(0) >= 48 && x.charCodeAt(0) <= 57
    const yDigits = y.charCodeAt(0) >= 48 && y.charCodeAt(0) <= 57
    if (xDigits && yDigits) {
      const xs = x.replace(/^0+(?=\d)/, '')
      const ys = y.replace(/^0+(?=\d)/, '')
      if (xs.length !== ys.length) return xs.length - ys.length
      if (xs !== ys) return xs < ys ? -1 : 1
    } else if (x !== y) {
      return x < y ? -1 : 1
    }
  }
  if (as.length !== bs.length) return as.length - bs.length
  return a < b ? -1 : a > b ? 1 : 0
}
