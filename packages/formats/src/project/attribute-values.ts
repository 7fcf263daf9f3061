// Attribute values as formats deliver them (CVAT and VOC write every value as text) made to fit
// the type of the project's attribute, and attribute declarations inferred from values.

import type { AttributeInput, AttributeRecord, AttributeValue } from '@loupe/model'
import type { DatasetAttribute } from '../dataset'

/** The value in the attribute's type when it converts losslessly, else unchanged (the model rejects it). */
export function coerceValue(attribute: AttributeRecord, value: AttributeValue): AttributeValue {
  switch (attribute.type) {
    case 'select':
    case 'radio':
    case 'text':
      return typeof value === 'string' ? value : String(value)
    case 'number': {
      if (typeof value === 'string' && value.trim() !== '') {
        const number = Number(value)
        if (Number.isFinite(number)) return number
      }
      return value
    }
    case 'checkbox': {
      if (typeof value === 'string') {
        const text = value.trim().toLowerCase()
        if (text === 'true') return true
        if (text === 'false') return false
      }
      if (value === 1) return true
      if (value === 0) return false
      return value
    }
  }
}

/** What values an import brings for one attribute of one label. */
export class ObservedValues {
  readonly values = new Set<AttributeValue>()
  add(value: AttributeValue) {
    this.values.add(value)
  }
  strings(): string[] {
    return [...new Set([...this.values].map(String))].filter((v) => v !== '')
  }
  numbers(): number[] {
    const out: number[] = []
    for (const value of this.values) {
      const number = typeof value === 'number' ? value : Number(value)
      if (typeof value !== 'boolean' && Number.isFinite(number) && String(value).trim() !== '') {
        out.push(number)
      }
    }
    return out
  }
}

/** A declaration for an attribute only seen in values: checkbox, number or text. */
export function inferAttribute(name: string, observed: ObservedValues): DatasetAttribute {
  const values = [...observed.values]
  if (values.length > 0 && values.every((v) => typeof v === 'boolean')) {
    return { name, type: 'checkbox', values: [], default: false }
  }
  if (values.length > 0 && values.every((v) => typeof v === 'number')) {
    return { name, type: 'number', values: [] }
  }
  return { name, type: 'text', values: [], default: '' }
}

function widenRange(range: readonly number[], observed: readonly number[]): number[] | undefined {
  if (range.length !== 3 || observed.length === 0) return undefined
  const [min, max, step] = range as [number, number, number]
  let lo = min
  let hi = max
  for (const value of observed) {
    if (value < lo) lo = value
    if (value > hi) hi = value
  }
  return lo === min && hi === max ? undefined : [lo, hi, step]
}

/** A new attribute of the project from the dataset's declaration and the values seen. */
export function newAttributeInput(
  attribute: DatasetAttribute,
  observed: ObservedValues | undefined,
): AttributeInput {
  const base = { name: attribute.name, ...(attribute.mutable ? { mutable: true } : {}) }
  const dflt = attribute.default
  switch (attribute.type) {
    case 'select':
    case 'radio': {
      const declared = attribute.values.map(String).filter((v) => v !== '')
      const values = [...new Set([...declared, ...(observed?.strings() ?? [])])]
      if (values.length === 0) return { ...base, type: 'text', values: [], default: '' }
      const d = dflt === undefined ? undefined : String(dflt)
      return {
        ...base,
        type: attribute.type,
        values,
        ...(d !== undefined && values.includes(d) ? { default: d } : {}),
      }
    }
    case 'number': {
      const numbers = attribute.values.filter((v): v is number => typeof v === 'number')
      let values: number[] = numbers.length === 3 && numbers[0]! <= numbers[1]! ? numbers : []
      values = widenRange(values, observed?.numbers() ?? []) ?? values
      const d = typeof dflt === 'number' ? dflt : Number(dflt)
      const inRange =
        Number.isFinite(d) && (values.length !== 3 || (d >= values[0]! && d <= values[1]!))
      return {
        ...base,
        type: 'number',
        values,
        ...(inRange && dflt !== undefined ? { default: d } : {}),
      }
    }
    case 'checkbox': {
      const d = dflt === true || (typeof dflt === 'string' && dflt.toLowerCase() === 'true')
      return { ...base, type: 'checkbox', values: [], default: d }
    }
    case 'text':
      return { ...base, type: 'text', values: [], default: dflt === undefined ? '' : String(dflt) }
  }
}

/**
 * An existing attribute made to accept the values the import brings: select/radio gain the
 * missing values, a bounded number widens its range. Undefined when nothing changes.
 */
export function widenAttribute(
  attribute: AttributeRecord,
  declared: DatasetAttribute | undefined,
  observed: ObservedValues | undefined,
): AttributeInput | undefined {
  switch (attribute.type) {
    case 'select':
    case 'radio': {
      const extra = [
        ...(declared && (declared.type === 'select' || declared.type === 'radio')
          ? declared.values.map(String)
          : []),
        ...(observed?.strings() ?? []),
      ].filter((v) => v !== '' && !attribute.values.includes(v))
      if (extra.length === 0) return undefined
      return { ...toInput(attribute), values: [...attribute.values, ...new Set(extra)] }
    }
    case 'number': {
      const values = widenRange(attribute.values, observed?.numbers() ?? [])
      return values ? { ...toInput(attribute), values } : undefined
    }
    default:
      return undefined
  }
}

export function toInput(attribute: AttributeRecord): AttributeInput {
  return {
    id: attribute.id,
    name: attribute.name,
    type: attribute.type,
    values: [...attribute.values],
    default: attribute.default,
    mutable: attribute.mutable,
  }
}
