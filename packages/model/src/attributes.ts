import { z } from 'zod'
import { ModelError, ModelErrorCode } from './errors'
import { newId } from './ids'
import { ATTRIBUTE_TYPES, type AttributeRecord, type AttributeValue } from './schema'
import { finiteSchema, idSchema, joinPath, nameSchema } from './validate'

export const attributeInputSchema = z.strictObject({
  id: idSchema.optional(),
  name: nameSchema,
  type: z.enum(ATTRIBUTE_TYPES, { error: `expected one of ${ATTRIBUTE_TYPES.join('|')}` }),
  values: z
    .array(z.union([z.string().max(1024), finiteSchema]))
    .max(1024)
    .optional(),
  default: z.union([z.string(), finiteSchema, z.boolean()]).optional(),
  mutable: z.boolean().optional(),
})

export type AttributeInput = z.input<typeof attributeInputSchema>

function fail(message: string, path: string): ModelError {
  return new ModelError(ModelErrorCode.invalidInput, message, path)
}

/** Checks an attribute declaration and fills its defaults. `path` is e.g. `labels.l1.attributes[0]`. */
export function normalizeAttribute(
  input: z.output<typeof attributeInputSchema>,
  path: string,
): AttributeRecord {
  const id = input.id ?? newId()
  const mutable = input.mutable ?? false
  const values = input.values ?? []
  const valuesPath = joinPath(path, 'values')
  const defaultPath = joinPath(path, 'default')
  const base = { id, name: input.name, mutable }
  switch (input.type) {
    case 'select':
    case 'radio': {
      if (values.length === 0 || !values.every((v) => typeof v === 'string' && v !== '')) {
        throw fail(`expected a non-empty list of non-empty strings for a ${input.type}`, valuesPath)
      }
      const strings = values as string[]
      if (new Set(strings).size !== strings.length) throw fail('expected unique values', valuesPath)
      const dflt = input.default ?? strings[0]
      if (typeof dflt !== 'string' || !strings.includes(dflt)) {
        throw fail('expected one of the values', defaultPath)
      }
      return { ...base, type: input.type, values: strings, default: dflt }
    }
    case 'checkbox': {
      if (values.length !== 0) throw fail('expected no values for a checkbox', valuesPath)
      const dflt = input.default ?? false
      if (typeof dflt !== 'boolean') throw fail('expected a boolean', defaultPath)
      return { ...base, type: 'checkbox', values: [], default: dflt }
    }
    case 'number': {
      if (values.length !== 0 && values.length !== 3) {
        throw fail('expected [] or [min, max, step] for a number', valuesPath)
      }
      if (!values.every((v) => typeof v === 'number')) {
        throw fail('expected finite numbers [min, max, step]', valuesPath)
      }
      const nums = values as number[]
      const [min, max, step] = nums
      if (min !== undefined && max !== undefined && step !== undefined) {
        if (min > max) throw fail('expected min <= max', valuesPath)
        if (!(step > 0)) throw fail('expected a positive step', valuesPath)
      }
      const dflt = input.default ?? min ?? 0
      if (typeof dflt !== 'number') throw fail('expected a finite number', defaultPath)
      if (min !== undefined && max !== undefined && (dflt < min || dflt > max)) {
        throw fail(`expected a number in [${min}, ${max}]`, defaultPath)
      }
      return { ...base, type: 'number', values: nums, default: dflt }
    }
    case 'text': {
      if (values.length !== 0) throw fail('expected no values for a text', valuesPath)
      const dflt = input.default ?? ''
      if (typeof dflt !== 'string') throw fail('expected a string', defaultPath)
      return { ...base, type: 'text', values: [], default: dflt }
    }
  }
}

/** Normalises a label's attribute list: ids and names unique within the label. */
export function normalizeAttributes(
  inputs: readonly z.output<typeof attributeInputSchema>[],
  path: string,
): AttributeRecord[] {
  const ids = new Set<string>()
  const names = new Set<string>()
  return inputs.map((input, i) => {
    const attributePath = joinPath(path, i)
    const attribute = normalizeAttribute(input, attributePath)
    if (ids.has(attribute.id)) {
      throw new ModelError(
        ModelErrorCode.duplicate,
        'duplicate attribute id',
        joinPath(attributePath, 'id'),
      )
    }
    if (names.has(attribute.name)) {
      throw new ModelError(
        ModelErrorCode.duplicate,
        'duplicate attribute name',
        joinPath(attributePath, 'name'),
      )
    }
    ids.add(attribute.id)
    names.add(attribute.name)
    return attribute
  })
}

/** Checks one attribute value against its declaration. */
export function validateAttributeValue(
  attribute: AttributeRecord,
  value: unknown,
  path: string,
): AttributeValue {
  const bad = (message: string) =>
    new ModelError(ModelErrorCode.invalidAttributeValue, message, path)
  switch (attribute.type) {
    case 'select':
    case 'radio':
      if (typeof value !== 'string' || !attribute.values.includes(value)) {
        throw bad(`expected one of ${attribute.values.map((v) => JSON.stringify(v)).join(', ')}`)
      }
      return value
    case 'checkbox':
      if (typeof value !== 'boolean') throw bad('expected a boolean')
      return value
    case 'number': {
      if (typeof value !== 'number' || !Number.isFinite(value))
        throw bad('expected a finite number')
      const [min, max] = attribute.values
      if (min !== undefined && max !== undefined && (value < min || value > max)) {
        throw bad(`expected a number in [${min}, ${max}]`)
      }
      return value
    }
    case 'text':
      if (typeof value !== 'string') throw bad('expected a string')
      if (value.length > 65_536) throw bad('expected at most 65536 characters')
      return value
  }
}

/**
 * Checks a set of attribute values against a label's attributes. Unknown attribute ids are
 * rejected; `path` is the `attributes` field, e.g. `shapes.s1.attributes`.
 */
export function validateAttributeValues(
  attributes: readonly AttributeRecord[],
  values: Readonly<Record<string, unknown>>,
  path: string,
): Record<string, AttributeValue> {
  const byId = new Map(attributes.map((a) => [a.id, a]))
  const out: Record<string, AttributeValue> = {}
  for (const [id, value] of Object.entries(values)) {
    const attribute = byId.get(id)
    if (!attribute) {
      throw new ModelError(
        ModelErrorCode.unknownAttribute,
        'attribute not declared by the label',
        joinPath(path, id),
      )
    }
    out[id] = validateAttributeValue(attribute, value, joinPath(path, id))
  }
  return out
}

const attributeRecordSchema = z.looseObject({
  id: z.string(),
  name: z.string(),
  type: z.enum(ATTRIBUTE_TYPES),
  values: z.array(z.union([z.string(), z.number()])),
  default: z.union([z.string(), z.number(), z.boolean()]),
  mutable: z.boolean().optional(),
})

/** Reads a stored attribute list tolerantly: malformed entries are skipped, unknown keys ignored. */
export function readAttributes(value: unknown): AttributeRecord[] {
  if (!Array.isArray(value)) return []
  const out: AttributeRecord[] = []
  for (const entry of value) {
    const parsed = attributeRecordSchema.safeParse(entry)
    if (!parsed.success) continue
    try {
      const { id, name, type, values, default: dflt, mutable } = parsed.data
      out.push(normalizeAttribute({ id, name, type, values, default: dflt, mutable }, ''))
    } catch {
      // A malformed declaration written by another peer: skip it rather than fail the reader.
    }
  }
  return out
}
