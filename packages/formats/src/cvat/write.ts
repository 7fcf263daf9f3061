// Writes CVAT for images 1.1 as CVAT itself does: one subset → a task export (`<meta><task>`,
// images in `images/`), several → a project export (`<meta><project>` with one task per
// subset, `<image subset task_id>`, images in `images/<subset>/`). Output is deterministic: no
// timestamps, images and shapes in the dataset's order, numbers as CVAT prints them.

import { rleToCvatRle } from '@loupe/masks'
import type { AttributeValue, ShapeSource } from '@loupe/model'
import {
  DEFAULT_SUBSET,
  subsetsOf,
  type Dataset,
  type DatasetAnnotation,
  type DatasetImage,
} from '../dataset'
import { throwIfCancelled } from '../errors'
import { FileTree } from '../files'
import type { WriteOptions } from '../format'
import { escapeAttr, escapeText, writeLabels } from './meta'

const SOURCES: Record<ShapeSource, string> = {
  manual: 'manual',
  sam: 'semi-auto',
  auto: 'auto',
  import: 'file',
}

/** A coordinate as CVAT prints it (`{:.2f}`), or exactly when two decimals would lose digits. */
export function formatNumber(value: number): string {
  const fixed = value.toFixed(2)
  return Number(fixed) === value ? fixed : String(value)
}

function attr(name: string, value: string): string {
  return ` ${name}="${escapeAttr(value)}"`
}

function attributeText(value: AttributeValue): string {
  return typeof value === 'boolean' ? (value ? 'true' : 'false') : String(value)
}

export function writeCvat(dataset: Dataset, options: WriteOptions = {}): FileTree {
  const tree = new FileTree()
  const subsets = subsetsOf(dataset)
  const project = subsets.length > 1
  const bySubset = new Map<string, DatasetImage[]>(subsets.map((s) => [s, []]))
  for (const image of dataset.images) bySubset.get(image.subset)!.push(image)
  const skeletons = new Map(
    dataset.labels.filter((l) => l.skeleton).map((l) => [l.name, l.skeleton!.nodes]),
  )
  const name = dataset.name ?? 'loupe'
  const parts: string[] = ['<?xml version="1.0" encoding="utf-8"?>\n<annotations>\n']
  parts.push('  <version>1.1</version>\n  <meta>\n')
  if (project) {
    parts.push('    <project>\n      <id>1</id>\n')
    parts.push(`      <name>${escapeText(name)}</name>\n      <bugtracker></bugtracker>\n`)
    parts.push('      <tasks>\n')
    subsets.forEach((subset, i) => {
      const size = bySubset.get(subset)!.length
      parts.push(
        '        <task>\n',
        taskFields(i + 1, subset, subset, size, 10),
        '        </task>\n',
      )
    })
    parts.push('      </tasks>\n')
    parts.push(`      <subsets>${escapeText(subsets.join('\n'))}</subsets>\n`)
    parts.push(writeLabels(dataset.labels, 6))
    parts.push('    </project>\n')
  } else {
    const subset = subsets[0] ?? DEFAULT_SUBSET
    parts.push('    <task>\n', taskFields(1, name, subset, dataset.images.length, 6))
    parts.push(writeLabels(dataset.labels, 6))
    parts.push('    </task>\n')
  }
  parts.push('  </meta>\n')
  const total = dataset.images.length
  let done = 0
  const includeImages = options.includeImages !== false
  subsets.forEach((subset, taskIndex) => {
    const images = bySubset.get(subset)!
    const ids = frameIds(images)
    images.forEach((image, i) => {
      throwIfCancelled(options.signal)
      let open = `  <image${attr('id', String(ids[i]))}${attr('name', image.name)}`
      if (project) open += `${attr('subset', subset)}${attr('task_id', String(taskIndex + 1))}`
      open += `${attr('width', String(image.width))}${attr('height', String(image.height))}`
      if (image.annotations.length === 0 && image.tags.length === 0) {
        parts.push(`${open}>\n  </image>\n`)
      } else {
        parts.push(`${open}>\n`)
        for (const ann of image.annotations) parts.push(shapeXml(ann, skeletons))
        for (const tag of image.tags) {
          parts.push(`    <tag${attr('label', tag.label)}${attr('source', 'manual')}`)
          parts.push(attributesXml(tag.attributes, '    ', '/>\n', '    </tag>\n'))
        }
        parts.push('  </image>\n')
      }
      if (includeImages && image.data) {
        tree.set(project ? `images/${subset}/${image.name}` : `images/${image.name}`, image.data)
      }
      options.onProgress?.({ done: ++done, total, phase: 'write' })
    })
  })
  parts.push('</annotations>\n')
  tree.set('annotations.xml', parts.join(''))
  return tree
}

/** The fields of a task's meta (CVAT's, without times, owners or segments). */
function taskFields(id: number, name: string, subset: string, size: number, indent: number) {
  const pad = ' '.repeat(indent)
  return (
    `${pad}<id>${id}</id>\n` +
    `${pad}<name>${escapeText(name)}</name>\n` +
    `${pad}<size>${size}</size>\n` +
    `${pad}<mode>annotation</mode>\n` +
    `${pad}<overlap>0</overlap>\n` +
    `${pad}<bugtracker></bugtracker>\n` +
    `${pad}<subset>${escapeText(subset)}</subset>\n` +
    `${pad}<start_frame>0</start_frame>\n` +
    `${pad}<stop_frame>${Math.max(0, size - 1)}</stop_frame>\n` +
    `${pad}<frame_filter></frame_filter>\n`
  )
}

/** Frame ids: the images' own ids when they are distinct non-negative integers, else 0, 1, … */
function frameIds(images: DatasetImage[]): number[] {
  const own = images.map((image) => image.sourceId)
  const valid = own.every((id) => id !== undefined && Number.isSafeInteger(id) && id >= 0)
  if (valid && new Set(own).size === own.length) return own as number[]
  return images.map((_, i) => i)
}

function attributesXml(
  attributes: Record<string, AttributeValue>,
  indent: string,
  empty: string,
  close: string,
): string {
  const entries = Object.entries(attributes)
  if (entries.length === 0) return empty
  let out = '>\n'
  for (const [name, value] of entries) {
    out += `${indent}  <attribute${attr('name', name)}>${escapeText(attributeText(value))}</attribute>\n`
  }
  return out + close
}

function common(ann: DatasetAnnotation): string {
  let out = attr('label', ann.label)
  if (ann.source) out += attr('source', SOURCES[ann.source])
  if (ann.type !== 'skeleton') out += attr('occluded', ann.occluded ? '1' : '0')
  return out
}

function tail(ann: DatasetAnnotation): string {
  let out = attr('z_order', String(ann.zOrder ?? 0))
  if (ann.group !== undefined && ann.group !== 0) out += attr('group_id', String(ann.group))
  return out
}

function rotation(ann: DatasetAnnotation): string {
  return ann.rotation ? attr('rotation', formatNumber(ann.rotation)) : ''
}

function pointsText(points: readonly number[]): string {
  const pairs: string[] = []
  for (let i = 0; i + 1 < points.length; i += 2) {
    pairs.push(`${formatNumber(points[i]!)},${formatNumber(points[i + 1]!)}`)
  }
  return pairs.join(';')
}

function shapeXml(ann: DatasetAnnotation, skeletons: Map<string, string[]>): string {
  const p = ann.points
  let tag: string
  let geometry: string
  switch (ann.type) {
    case 'rectangle':
      tag = 'box'
      geometry =
        attr('xtl', formatNumber(p[0]!)) +
        attr('ytl', formatNumber(p[1]!)) +
        attr('xbr', formatNumber(p[2]!)) +
        attr('ybr', formatNumber(p[3]!)) +
        rotation(ann)
      break
    case 'ellipse':
      tag = 'ellipse'
      geometry =
        attr('cx', formatNumber(p[0]!)) +
        attr('cy', formatNumber(p[1]!)) +
        attr('rx', formatNumber(p[2]!)) +
        attr('ry', formatNumber(p[3]!)) +
        rotation(ann)
      break
    case 'polygon':
    case 'polyline':
    case 'points':
      tag = ann.type
      geometry = attr('points', pointsText(p))
      break
    case 'mask': {
      tag = 'mask'
      const counts = ann.mask ? rleToCvatRle(ann.mask) : [(p[2]! - p[0]!) * (p[3]! - p[1]!)]
      geometry =
        attr('rle', counts.join(', ')) +
        attr('left', String(p[0])) +
        attr('top', String(p[1])) +
        attr('width', String(p[2]! - p[0]!)) +
        attr('height', String(p[3]! - p[1]!))
      break
    }
    case 'skeleton': {
      let out = `    <skeleton${common(ann)}${tail(ann)}>\n`
      const nodes = skeletons.get(ann.label) ?? []
      nodes.forEach((node, i) => {
        const visibility = ann.visibility?.[i] ?? 'visible'
        out +=
          `      <points${attr('label', node)}` +
          (ann.source ? attr('source', SOURCES[ann.source]) : '') +
          attr('outside', visibility === 'hidden' ? '1' : '0') +
          attr('occluded', visibility === 'occluded' ? '1' : '0') +
          attr('points', pointsText([p[2 * i] ?? 0, p[2 * i + 1] ?? 0])) +
          '/>\n'
      })
      for (const [name, value] of Object.entries(ann.attributes)) {
        out += `      <attribute${attr('name', name)}>${escapeText(attributeText(value))}</attribute>\n`
      }
      return out + '    </skeleton>\n'
    }
  }
  const open = `    <${tag}${common(ann)}${geometry}${tail(ann)}`
  return open + attributesXml(ann.attributes, '    ', '/>\n', `    </${tag}>\n`)
}
