// The `<meta>` of a CVAT for images 1.1 file: the task, job or project it came from and its
// labels (name, color, type, attributes; skeletons as an SVG template plus one sublabel per
// node, each a `<label>` with a `<parent>`).

import type { AttributeValue, LabelType } from '@loupe/model'
import type { DatasetAttribute, DatasetLabel } from '../dataset'
import type { XmlDocument, XmlElement } from '../xml'

export type MetaKind = 'task' | 'job' | 'project'

export interface CvatMeta {
  kind: MetaKind | undefined
  name: string | undefined
  /** Top-level labels (sublabels folded into their skeleton), in the file's order. */
  labels: DatasetLabel[]
  /** A task's or job's `<subset>`: the subset of images that carry none themselves. */
  subset: string | undefined
}

/**
 * CVAT's number attributes always have `min\nmax\nstep`; Loupe allows unbounded numbers
 * (`values: []`), which are written as this range and read back as unbounded.
 */
export const UNBOUNDED_NUMBER = [-2147483648, 2147483647, 1] as const

const LABEL_TYPES: Record<string, LabelType> = {
  any: 'any',
  rectangle: 'rectangle',
  polygon: 'polygon',
  polyline: 'polyline',
  points: 'points',
  ellipse: 'ellipse',
  mask: 'mask',
  skeleton: 'skeleton',
  // CVAT types Loupe has no label type for: any shape may use such a label
  tag: 'any',
  cuboid: 'any',
}

const INPUT_TYPES = ['select', 'radio', 'checkbox', 'number', 'text'] as const
type InputType = (typeof INPUT_TYPES)[number]

export function readMeta(doc: XmlDocument, root: XmlElement): CvatMeta {
  const meta = doc.child(root, 'meta')
  const empty: CvatMeta = { kind: undefined, name: undefined, labels: [], subset: undefined }
  if (!meta) return empty
  const owner =
    doc.child(meta, 'project') ?? doc.child(meta, 'task') ?? doc.child(meta, 'job') ?? undefined
  if (!owner) return empty
  const kind = owner.name as MetaKind
  const labelsEl =
    doc.child(owner, 'labels') ??
    // a project whose labels sit in its first task (some CVAT 1.x project exports)
    tasksOf(doc, owner)
      .map((task) => doc.child(task, 'labels'))
      .find((el) => el !== undefined)
  const labels = labelsEl ? readLabels(doc, labelsEl) : []
  const subset = kind === 'project' ? undefined : nonEmpty(doc.childText(owner, 'subset'))
  return { kind, name: nonEmpty(doc.childText(owner, 'name')), labels, subset }
}

function tasksOf(doc: XmlDocument, project: XmlElement): XmlElement[] {
  const tasks = doc.child(project, 'tasks')
  return tasks ? doc.children(tasks).filter((el) => el.name === 'task') : []
}

function nonEmpty(text: string | undefined): string | undefined {
  const trimmed = text?.trim()
  return trimmed ? trimmed : undefined
}

interface RawLabel {
  el: XmlElement
  label: DatasetLabel
  parent: string | undefined
  svg: string | undefined
}

function readLabels(doc: XmlDocument, labelsEl: XmlElement): DatasetLabel[] {
  const raw: RawLabel[] = []
  for (const el of doc.children(labelsEl)) {
    if (el.name !== 'label') continue
    const nameEl = doc.child(el, 'name')
    const name = nameEl ? doc.text(nameEl) : ''
    if (!name) throw doc.error(nameEl ?? el, undefined, 'expected a label name')
    const label: DatasetLabel = { name, attributes: [] }
    const color = nonEmpty(doc.childText(el, 'color'))
    if (color !== undefined) {
      if (!/^#[0-9a-fA-F]{6}$/.test(color)) {
        throw doc.error(
          doc.child(el, 'color')!,
          undefined,
          `expected a #rrggbb color, got "${color}"`,
        )
      }
      label.color = color.toLowerCase()
    }
    const typeText = nonEmpty(doc.childText(el, 'type'))
    if (typeText !== undefined) {
      const type = Object.hasOwn(LABEL_TYPES, typeText) ? LABEL_TYPES[typeText] : undefined
      if (!type) {
        throw doc.error(
          doc.child(el, 'type')!,
          undefined,
          `expected one of ${Object.keys(LABEL_TYPES).join('|')}, got "${typeText}"`,
        )
      }
      label.type = type
    }
    const attributesEl = doc.child(el, 'attributes')
    if (attributesEl) {
      for (const attrEl of doc.children(attributesEl)) {
        if (attrEl.name === 'attribute') label.attributes.push(readAttribute(doc, attrEl))
      }
    }
    raw.push({
      el,
      label,
      parent: nonEmpty(doc.childText(el, 'parent')),
      svg: doc.childText(el, 'svg'),
    })
  }
  const labels: DatasetLabel[] = []
  for (const entry of raw) {
    if (entry.parent !== undefined) continue
    if (entry.label.type === 'skeleton') {
      const sublabels = raw.filter((r) => r.parent === entry.label.name).map((r) => r.label.name)
      entry.label.skeleton = readSkeleton(doc, entry.el, entry.svg ?? '', sublabels)
    }
    labels.push(entry.label)
  }
  return labels
}

function readAttribute(doc: XmlDocument, el: XmlElement): DatasetAttribute {
  const nameEl = doc.child(el, 'name')
  const name = nameEl ? doc.text(nameEl) : ''
  if (!name) throw doc.error(nameEl ?? el, undefined, 'expected an attribute name')
  const typeEl = doc.child(el, 'input_type')
  const typeText = typeEl ? doc.text(typeEl).trim() : ''
  if (!(INPUT_TYPES as readonly string[]).includes(typeText)) {
    throw doc.error(
      typeEl ?? el,
      undefined,
      `expected input_type ${INPUT_TYPES.join('|')}, got "${typeText}"`,
    )
  }
  const type = typeText as InputType
  const mutable = (doc.childText(el, 'mutable') ?? '').trim().toLowerCase() === 'true'
  const defaultText = doc.childText(el, 'default_value')
  const valuesEl = doc.child(el, 'values')
  const lines = valuesEl ? doc.text(valuesEl).split('\n') : []
  const attribute: DatasetAttribute = { name, type, values: [], mutable }
  switch (type) {
    case 'select':
    case 'radio': {
      const values = lines.filter((line) => line !== '')
      if (values.length === 0) {
        throw doc.error(valuesEl ?? el, undefined, `expected the values of a ${type} attribute`)
      }
      attribute.values = values
      attribute.default =
        defaultText !== undefined && values.includes(defaultText) ? defaultText : values[0]!
      break
    }
    case 'number': {
      const numbers = lines.map((line) => line.trim()).filter((line) => line !== '')
      const parsed = numbers.map(Number)
      if (numbers.length !== 0 && (parsed.length !== 3 || !parsed.every(Number.isFinite))) {
        throw doc.error(
          valuesEl ?? el,
          undefined,
          'expected min, max and step of a number attribute, one per line',
        )
      }
      const unbounded = parsed.length === 3 && parsed.every((v, i) => v === UNBOUNDED_NUMBER[i])
      attribute.values = unbounded ? [] : parsed
      const fallback = parsed.length === 3 && !unbounded ? parsed[0]! : 0
      attribute.default = numberOr(defaultText, fallback)
      break
    }
    case 'checkbox':
      attribute.default = (defaultText ?? '').trim().toLowerCase() === 'true'
      break
    case 'text':
      attribute.default = defaultText ?? ''
      break
  }
  return attribute
}

function numberOr(text: string | undefined, fallback: number): number {
  const value = text === undefined || text.trim() === '' ? NaN : Number(text)
  return Number.isFinite(value) ? value : fallback
}

/** A skeleton's nodes and edges from its `<svg>` template and sublabels. */
function readSkeleton(
  doc: XmlDocument,
  labelEl: XmlElement,
  svg: string,
  sublabels: string[],
): { nodes: string[]; edges: [number, number][] } {
  const circles: { id: number; name: string | undefined }[] = []
  const lines: { from: number; to: number }[] = []
  for (const match of svg.matchAll(/<(circle|line)\b([^>]*)>/g)) {
    const attrs = svgAttributes(match[2]!)
    if (match[1] === 'circle') {
      const id = Number(attrs['data-node-id'] ?? attrs['data-element-id'])
      if (!Number.isInteger(id)) {
        throw doc.error(labelEl, undefined, 'expected data-node-id on every circle of the svg')
      }
      circles.push({ id, name: attrs['data-label-name'] })
    } else {
      const from = Number(attrs['data-node-from'])
      const to = Number(attrs['data-node-to'])
      if (!Number.isInteger(from) || !Number.isInteger(to)) {
        throw doc.error(
          labelEl,
          undefined,
          'expected data-node-from and data-node-to on every line',
        )
      }
      lines.push({ from, to })
    }
  }
  circles.sort((a, b) => a.id - b.id)
  // node names: the sublabels in their order; circles name them (or stand in when missing)
  const nodes = sublabels.length > 0 ? [...sublabels] : []
  const indexById = new Map<number, number>()
  circles.forEach((circle, i) => {
    const name = circle.name ?? sublabels[i] ?? String(circle.id)
    let index = nodes.indexOf(name)
    if (index < 0) index = nodes.push(name) - 1
    indexById.set(circle.id, index)
  })
  const edges: [number, number][] = []
  for (const line of lines) {
    const from = indexById.get(line.from)
    const to = indexById.get(line.to)
    if (from === undefined || to === undefined) {
      throw doc.error(
        labelEl,
        undefined,
        `expected svg lines between the skeleton's nodes, got ${line.from} → ${line.to}`,
      )
    }
    edges.push([from, to])
  }
  return { nodes, edges }
}

function svgAttributes(text: string): Record<string, string> {
  const out: Record<string, string> = {}
  for (const match of text.matchAll(/([\w:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) {
    out[match[1]!] = decodeEntities(match[2] ?? match[3] ?? '')
  }
  return out
}

function decodeEntities(text: string): string {
  return text.replace(/&(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);/g, (_, entity: string) => {
    switch (entity) {
      case 'amp':
        return '&'
      case 'lt':
        return '<'
      case 'gt':
        return '>'
      case 'quot':
        return '"'
      case 'apos':
        return "'"
      default:
        return String.fromCodePoint(
          entity[1] === 'x' ? parseInt(entity.slice(2), 16) : parseInt(entity.slice(1), 10),
        )
    }
  })
}

// ---- writing ----

/** XML text escaping (element content). */
export function escapeText(text: string): string {
  return text.replace(/[&<>]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : '&gt;'))
}

/** XML attribute escaping, as Python's `quoteattr` does (newlines and tabs as references). */
export function escapeAttr(text: string): string {
  return text.replace(/[&<>"\n\r\t]/g, (c) => {
    switch (c) {
      case '&':
        return '&amp;'
      case '<':
        return '&lt;'
      case '>':
        return '&gt;'
      case '"':
        return '&quot;'
      case '\n':
        return '&#10;'
      case '\r':
        return '&#13;'
      default:
        return '&#9;'
    }
  })
}

/** The `<labels>` element of the meta, indented by `indent` spaces. */
export function writeLabels(labels: readonly DatasetLabel[], indent: number): string {
  const pad = (n: number) => ' '.repeat(indent + n)
  const el = (n: number, name: string, text: string) =>
    `${pad(n)}<${name}>${escapeText(text)}</${name}>\n`
  let out = `${pad(0)}<labels>\n`
  const writeLabel = (
    label: Pick<DatasetLabel, 'name' | 'color' | 'type' | 'attributes'>,
    extra: string,
  ) => {
    out += `${pad(2)}<label>\n`
    out += el(4, 'name', label.name)
    if (label.color) out += el(4, 'color', label.color)
    out += el(4, 'type', label.type ?? 'any')
    out += `${pad(4)}<attributes>\n`
    for (const attribute of label.attributes) {
      out += `${pad(6)}<attribute>\n`
      out += el(8, 'name', attribute.name)
      out += el(8, 'mutable', attribute.mutable ? 'True' : 'False')
      out += el(8, 'input_type', attribute.type)
      const { defaultValue, values } = attributeTexts(attribute)
      out += el(8, 'default_value', defaultValue)
      out += el(8, 'values', values)
      out += `${pad(6)}</attribute>\n`
    }
    out += `${pad(4)}</attributes>\n`
    out += extra
    out += `${pad(2)}</label>\n`
  }
  for (const label of labels) {
    const skeleton = label.type === 'skeleton' ? label.skeleton : undefined
    writeLabel(label, skeleton ? el(4, 'svg', skeletonSvg(skeleton)) : '')
    if (skeleton) {
      for (const node of skeleton.nodes) {
        const sublabel = { name: node, color: label.color, type: 'points' as const, attributes: [] }
        writeLabel(sublabel, el(4, 'parent', label.name))
      }
    }
  }
  return out + `${pad(0)}</labels>\n`
}

function attributeTexts(attribute: DatasetAttribute): { defaultValue: string; values: string } {
  const text = (value: AttributeValue | undefined) => (value === undefined ? '' : String(value))
  switch (attribute.type) {
    case 'select':
    case 'radio':
      return {
        defaultValue: text(attribute.default ?? attribute.values[0]),
        values: attribute.values.map(String).join('\n'),
      }
    case 'number': {
      const range = attribute.values.length === 3 ? attribute.values : UNBOUNDED_NUMBER
      const fallback = attribute.values.length === 3 ? attribute.values[0] : 0
      return { defaultValue: text(attribute.default ?? fallback), values: range.join('\n') }
    }
    case 'checkbox': {
      // CVAT keeps a checkbox's default as its only value
      const value = attribute.default === true ? 'true' : 'false'
      return { defaultValue: value, values: value }
    }
    case 'text': {
      const value = text(attribute.default)
      return { defaultValue: value, values: value }
    }
  }
}

/**
 * The SVG template CVAT keeps for a skeleton: bones (`<line>`, by node id) then nodes
 * (`<circle>` with the node's label name), the nodes laid out on a circle in a 100 × 100 box.
 */
export function skeletonSvg(skeleton: { nodes: string[]; edges: [number, number][] }): string {
  const n = skeleton.nodes.length
  const at = (i: number) => {
    const angle = (2 * Math.PI * i) / Math.max(1, n) - Math.PI / 2
    return [50 + 35 * Math.cos(angle), 50 + 35 * Math.sin(angle)].map((v) => v.toFixed(2))
  }
  let svg = ''
  for (const [from, to] of skeleton.edges) {
    const [x1, y1] = at(from)
    const [x2, y2] = at(to)
    svg +=
      `<line x1="${x1}" y1="${y1}" x2="${x2}" y2="${y2}" stroke="black" data-type="edge" ` +
      `data-node-from="${from + 1}" stroke-width="0.5" data-node-to="${to + 1}"></line>`
  }
  skeleton.nodes.forEach((name, i) => {
    const [cx, cy] = at(i)
    svg +=
      `<circle r="1.5" stroke="black" fill="#b3b3b3" cx="${cx}" cy="${cy}" stroke-width="0.1" ` +
      `data-type="element node" data-element-id="${i + 1}" data-node-id="${i + 1}" ` +
      `data-label-name="${escapeAttr(name)}"></circle>`
  })
  return svg
}
