/**
 * A malformed input file: names the file, where in it (a JSON path like
 * `annotations[3].bbox`, `line 12`, or an XML path), and what was expected, e.g.
 * `annotations/instances_val.json: annotations[3].bbox: expected 4 numbers`.
 */
export class FormatError extends Error {
  override name = 'FormatError'
  constructor(
    readonly file: string,
    readonly where: string,
    readonly expected: string,
  ) {
    super([file, where, expected].filter(Boolean).join(': '))
  }
}

/** A JSON path from keys and indexes: `['annotations', 3, 'bbox']` → `annotations[3].bbox`. */
export function jsonPath(path: readonly PropertyKey[]): string {
  let out = ''
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`
    else {
      const name = String(key)
      out += /^[A-Za-z_$][\w$]*$/.test(name) ? (out ? '.' : '') + name : `[${JSON.stringify(name)}]`
    }
  }
  return out || '(root)'
}

/** The work was cancelled through its abort signal. */
export class CancelledError extends Error {
  override name = 'CancelledError'
  constructor() {
    super('cancelled')
  }
}

/** Throws CancelledError when the signal has fired; call it between items of long loops. */
export function throwIfCancelled(signal: { readonly aborted: boolean } | undefined): void {
  if (signal?.aborted) throw new CancelledError()
}
