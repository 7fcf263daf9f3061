// Labels of an import merged into the project by name: new labels are added with the dataset's
// type, color, attributes and skeleton; existing ones gain the attributes (by name) and the
// select values and number ranges the import needs.

import type { AttributeInput, LabelInput, LabelRecord, ProjectDocument } from '@loupe/model'
import type { Dataset, DatasetAttribute, DatasetLabel } from '../dataset'
import { FormatError } from '../errors'
import {
  inferAttribute,
  newAttributeInput,
  ObservedValues,
  toInput,
  widenAttribute,
} from './attribute-values'
import { rethrowAsFormatError } from './model-errors'

const COLOR = /^#[0-9a-fA-F]{6}$/
const DATASET = '(dataset)'

export interface MergedLabel {
  label: LabelRecord
  /** Skeletons whose nodes the project orders differently: dataset node i → project node map[i]. */
  nodeMap?: number[]
}

export interface LabelMerge {
  byName: Map<string, MergedLabel>
  added: number
}

/** Attribute values seen per label name, per attribute name. */
function observeValues(dataset: Dataset) {
  const observed = new Map<string, Map<string, ObservedValues>>()
  const see = (label: string, attributes: Readonly<Record<string, unknown>>) => {
    let byAttribute = observed.get(label)
    if (!byAttribute) observed.set(label, (byAttribute = new Map()))
    for (const [name, value] of Object.entries(attributes)) {
      if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
        continue
      }
      let values = byAttribute.get(name)
      if (!values) byAttribute.set(name, (values = new ObservedValues()))
      values.add(value)
    }
  }
  for (const image of dataset.images) {
    for (const annotation of image.annotations) see(annotation.label, annotation.attributes)
    for (const tag of image.tags) see(tag.label, tag.attributes)
  }
  return observed
}

/**
 * Merges the dataset's labels (and labels only named by annotations, added as `any`) into the
 * project. Writes through `project`, so the model validates every label.
 */
export function mergeLabels(
  project: ProjectDocument,
  dataset: Dataset,
  report: string[],
): LabelMerge {
  const observed = observeValues(dataset)
  const declared = new Map<string, DatasetLabel>()
  dataset.labels.forEach((label, i) => {
    if (declared.has(label.name)) {
      throw new FormatError(
        DATASET,
        `labels[${i}].name`,
        `expected a unique label name, got ${JSON.stringify(label.name)} twice`,
      )
    }
    declared.set(label.name, label)
  })
  const undeclared = [...observed.keys()].filter((name) => !declared.has(name))
  if (undeclared.length > 0) {
    report.push(
      `labels used by annotations but not declared by the file were added as "any": ${undeclared.map((n) => JSON.stringify(n)).join(', ')}`,
    )
  }
  const all: DatasetLabel[] = [
    ...dataset.labels,
    ...undeclared.map((name) => ({ name, attributes: [] })),
  ]

  const existing = new Map(project.listLabels().map((label) => [label.name, label]))
  const byName = new Map<string, MergedLabel>()
  let added = 0
  all.forEach((source, i) => {
    const where = `labels[${i}] (${JSON.stringify(source.name)})`
    const seen = observed.get(source.name)
    const attributes = withInferred(source, seen, report)
    const current = existing.get(source.name)
    try {
      if (!current) {
        byName.set(source.name, {
          label: project.addLabel(newLabelInput(source, attributes, seen, where)),
        })
        added++
        return
      }
      byName.set(source.name, mergeInto(project, current, source, attributes, seen, where, report))
    } catch (error) {
      const recordPath = current ? `labels.${current.id}` : 'labels'
      rethrowAsFormatError(error, DATASET, where, recordPath)
    }
  })
  return { byName, added }
}

/** The label's declared attributes plus those only seen in values (inferred, and reported). */
function withInferred(
  label: DatasetLabel,
  seen: Map<string, ObservedValues> | undefined,
  report: string[],
): DatasetAttribute[] {
  const out = [...label.attributes]
  const names = new Set(out.map((attribute) => attribute.name))
  for (const [name, values] of seen ?? []) {
    if (names.has(name)) continue
    const inferred = inferAttribute(name, values)
    out.push(inferred)
    report.push(
      `label ${JSON.stringify(label.name)}: attribute ${JSON.stringify(name)} is not declared by the file; declared as ${inferred.type}`,
    )
  }
  return out
}

function newLabelInput(
  source: DatasetLabel,
  attributes: readonly DatasetAttribute[],
  seen: Map<string, ObservedValues> | undefined,
  where: string,
): LabelInput {
  const type = source.type ?? (source.skeleton ? 'skeleton' : 'any')
  if (type === 'skeleton' && !source.skeleton) {
    throw new FormatError(DATASET, `${where}.skeleton`, 'expected the nodes of a skeleton label')
  }
  const input: LabelInput = {
    name: source.name,
    type,
    attributes: attributes.map((a) => newAttributeInput(a, seen?.get(a.name))),
  }
  if (source.color && COLOR.test(source.color)) input.color = source.color.toLowerCase()
  if (type === 'skeleton' && source.skeleton) {
    input.skeleton = {
      nodes: [...source.skeleton.nodes],
      edges: source.skeleton.edges.map(([a, b]) => [a, b]),
    }
  }
  return input
}

function mergeInto(
  project: ProjectDocument,
  current: LabelRecord,
  source: DatasetLabel,
  attributes: readonly DatasetAttribute[],
  seen: Map<string, ObservedValues> | undefined,
  where: string,
  report: string[],
): MergedLabel {
  const byName = new Map(current.attributes.map((a) => [a.name, a]))
  let changed = false
  const next: AttributeInput[] = current.attributes.map((attribute) => {
    const declared = attributes.find((a) => a.name === attribute.name)
    const widened = widenAttribute(attribute, declared, seen?.get(attribute.name))
    if (widened) {
      changed = true
      const what =
        attribute.type === 'number'
          ? `range widened to [${widened.values?.slice(0, 2).join(', ')}]`
          : `gains values ${widened.values
              ?.slice(attribute.values.length)
              .map((v) => JSON.stringify(v))
              .join(', ')}`
      report.push(
        `label ${JSON.stringify(current.name)}: attribute ${JSON.stringify(attribute.name)} ${what}`,
      )
    }
    return widened ?? toInput(attribute)
  })
  for (const attribute of attributes) {
    if (byName.has(attribute.name)) continue
    next.push(newAttributeInput(attribute, seen?.get(attribute.name)))
    changed = true
    report.push(
      `label ${JSON.stringify(current.name)}: attribute ${JSON.stringify(attribute.name)} added`,
    )
  }
  const label = changed ? project.updateLabel(current.id, { attributes: next }) : current
  return { label, ...nodeMapOf(label, source, where) }
}

/** How the dataset's skeleton nodes map onto the project label's, when they differ in order. */
function nodeMapOf(
  label: LabelRecord,
  source: DatasetLabel,
  where: string,
): { nodeMap?: number[] } {
  if (!source.skeleton || !label.skeleton) return {}
  const ours = label.skeleton.nodes
  const theirs = source.skeleton.nodes
  if (ours.length === theirs.length && ours.every((node, i) => node === theirs[i])) return {}
  const index = new Map(ours.map((node, i) => [node, i]))
  const map = theirs.map((node) => index.get(node) ?? -1)
  if (ours.length !== theirs.length || map.includes(-1) || new Set(map).size !== map.length) {
    throw new FormatError(
      DATASET,
      `${where}.skeleton.nodes`,
      `expected the nodes of the project's skeleton ${JSON.stringify(source.name)} (${ours.join(', ')}), got ${theirs.join(', ')}`,
    )
  }
  return { nodeMap: map }
}
