// Field checks for JSON annotation files (COCO, Datumaro): each names the file, the JSON path and
// what was expected. Hand-written rather than zod because a COCO file holds a million annotations
// and these run once per field on the hot path; the messages follow the same `expected …` style.

import { FormatError, jsonPath } from '../errors'

export type JsonPath = readonly PropertyKey[]

export class JsonFields {
  constructor(readonly file: string) {}

  fail(path: JsonPath, expected: string): never {
    throw new FormatError(this.file, jsonPath(path), expected)
  }

  object(value: unknown, path: JsonPath, what = 'an object'): Record<string, unknown> {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      this.fail(path, `expected ${what}`)
    }
    return value as Record<string, unknown>
  }

  array(value: unknown, path: JsonPath, what = 'an array'): unknown[] {
    if (!Array.isArray(value)) this.fail(path, `expected ${what}`)
    return value
  }

  /** An array, or `[]` when the field is absent or null. */
  optionalArray(value: unknown, path: JsonPath, what = 'an array'): unknown[] {
    return value === undefined || value === null ? [] : this.array(value, path, what)
  }

  string(value: unknown, path: JsonPath, what = 'a string'): string {
    if (typeof value !== 'string') this.fail(path, `expected ${what}`)
    return value
  }

  number(value: unknown, path: JsonPath, what = 'a number'): number {
    if (typeof value !== 'number' || !Number.isFinite(value)) this.fail(path, `expected ${what}`)
    return value
  }

  integer(value: unknown, path: JsonPath, what = 'an integer'): number {
    if (typeof value !== 'number' || !Number.isSafeInteger(value))
      this.fail(path, `expected ${what}`)
    return value
  }

  /** A flat array of finite numbers, checked without copying. */
  numbers(value: unknown, path: JsonPath, what: string): number[] {
    if (!Array.isArray(value)) this.fail(path, `expected ${what}`)
    for (let i = 0; i < value.length; i++) {
      const v: unknown = value[i]
      if (typeof v !== 'number' || !Number.isFinite(v)) this.fail(path, `expected ${what}`)
    }
    return value as number[]
  }
}

/** A JSON path with one more key, for nested checks. */
export function at(path: JsonPath, ...keys: PropertyKey[]): PropertyKey[] {
  return [...path, ...keys]
}

/** Removes the last-bit noise of a sum or difference (`0.3 + 9.8` → `10.1`), so sizes round-trip. */
export function tidy(value: number): number {
  if (Number.isInteger(value)) return value
  // below 1e6 rounding to 1e-9 px is exact enough and far cheaper than toPrecision
  if (Math.abs(value) < 1e6) return Math.round(value * 1e9) / 1e9
  return Number(value.toPrecision(15))
}

/** The first bytes of a file as Latin-1 text, to look for keys without parsing a large file. */
export function peek(bytes: Uint8Array | undefined, length = 65536): string {
  if (!bytes) return ''
  const head = bytes.subarray(0, length)
  let text = ''
  for (let i = 0; i < head.length; i += 8192) {
    text += String.fromCharCode(...head.subarray(i, Math.min(head.length, i + 8192)))
  }
  return text
}
