// Attribute declarations for formats that carry only values (COCO's `attributes` object, Datumaro's
// attribute names): the type is inferred from the values seen — all booleans a checkbox, all
// numbers a number, anything else text.

import type { AttributeValue } from '@loupe/model'
import type { DatasetAttribute, DatasetLabel } from '../dataset'

type Seen = 'boolean' | 'number' | 'string' | 'mixed' | 'none'

export class AttributeTypes {
  private readonly seen = new Map<string, Map<string, Seen>>()

  /** Declares a name with no value seen yet (Datumaro lists names per label). */
  declare(label: string, name: string): void {
    const names = this.names(label)
    if (!names.has(name)) names.set(name, 'none')
  }

  /** Notes the values of one annotation's attributes. */
  observe(label: string, attributes: Record<string, AttributeValue>): void {
    for (const name in attributes) {
      const type = typeof attributes[name] as 'boolean' | 'number' | 'string'
      const names = this.names(label)
      const before = names.get(name)
      if (before === type) continue
      names.set(name, before === undefined || before === 'none' ? type : 'mixed')
    }
  }

  /** Adds the declarations to labels that lack an attribute of that name. */
  applyTo(labels: readonly DatasetLabel[]): void {
    for (const label of labels) {
      const names = this.seen.get(label.name)
      if (!names) continue
      const known = new Set(label.attributes.map((attribute) => attribute.name))
      for (const [name, seen] of names) {
        if (known.has(name)) continue
        label.attributes.push(declaration(name, seen))
      }
    }
  }

  private names(label: string): Map<string, Seen> {
    let names = this.seen.get(label)
    if (!names) {
      names = new Map()
      this.seen.set(label, names)
    }
    return names
  }
}

function declaration(name: string, seen: Seen): DatasetAttribute {
  if (seen === 'boolean') return { name, type: 'checkbox', values: [] }
  if (seen === 'number') return { name, type: 'number', values: [] }
  return { name, type: 'text', values: [] }
}

/**
 * Attribute values from a JSON object: strings, numbers and booleans as they are; null skipped;
 * arrays and objects kept as their JSON text (Loupe's attributes are scalar).
 */
export function attributeValues(
  source: Record<string, unknown>,
  skip: ReadonlySet<string>,
): Record<string, AttributeValue> {
  const out: Record<string, AttributeValue> = {}
  for (const name in source) {
    if (skip.has(name)) continue
    const value = source[name]
    if (value === null || value === undefined) continue
    if (typeof value === 'string' || typeof value === 'boolean') out[name] = value
    else if (typeof value === 'number') {
      if (Number.isFinite(value)) out[name] = value
    } else out[name] = JSON.stringify(value)
  }
  return out
}

/** A flag from an attribute that tools write as a boolean, 0/1 or `"true"`/`"false"`. */
export function flag(value: unknown): boolean {
  return value === true || value === 1 || value === 'true' || value === 'True'
}
