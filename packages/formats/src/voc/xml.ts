// Reading and writing VOC annotation XML. Every field read goes through `VocXml`, which names
// the element path (`annotation.object[2].bndbox.xmin`, VOC's own 0-based dotted form) and the
// line it is on in its errors. Parsing and well-formedness are the shared XML layer's (../xml).

import { FormatError } from '../errors'
import { XmlDocument, type XmlElement } from '../xml'

export type { XmlElement }

/** One parsed XML file, with helpers that report errors by element path and line. */
export class VocXml {
  readonly root: XmlElement

  constructor(readonly doc: XmlDocument) {
    this.root = doc.root
  }

  static parse(file: string, source: string): VocXml {
    const doc = new XmlDocument(file, source)
    if (doc.root.name !== 'annotation') {
      throw new FormatError(
        file,
        '(root)',
        `expected an <annotation> element, got <${doc.root.name}>`,
      )
    }
    return new VocXml(doc)
  }

  /** A FormatError at `path`, with the line of element `near`. */
  error(path: string, near: XmlElement, expected: string): FormatError {
    return this.doc.errorAt(path, near, expected)
  }

  /** Child elements, or those named `name`. */
  children(node: XmlElement, name?: string): XmlElement[] {
    return this.doc.children(node, name)
  }

  /** The one child element named `name`, or undefined; two of them is an error. */
  child(node: XmlElement, name: string, path: string): XmlElement | undefined {
    const found = this.doc.children(node, name)
    if (found.length > 1) {
      throw this.error(`${path}.${name}`, found[1]!, `expected one <${name}> element`)
    }
    return found[0]
  }

  /** The trimmed text of a leaf child, or undefined when absent. */
  text(node: XmlElement, name: string, path: string): string | undefined {
    const child = this.child(node, name, path)
    if (!child) return undefined
    if (this.doc.hasChildElements(child))
      throw this.error(`${path}.${name}`, child, 'expected text, not elements')
    return this.doc.text(child).trim()
  }

  /** A number child: required unless `optional`, then undefined when absent or empty. */
  number(node: XmlElement, name: string, path: string, optional: true): number | undefined
  number(node: XmlElement, name: string, path: string, optional?: false): number
  number(node: XmlElement, name: string, path: string, optional = false): number | undefined {
    const text = this.text(node, name, path)
    if ((text === undefined || text === '') && optional) return undefined
    const value = text === undefined || text === '' ? NaN : Number(text)
    if (Number.isFinite(value)) return value
    const at = this.child(node, name, path) ?? node
    if (text === undefined) throw this.error(`${path}.${name}`, at, 'missing: expected a number')
    throw this.error(`${path}.${name}`, at, `expected a number, got ${JSON.stringify(text)}`)
  }

  /** A 0/1 flag child (`true`/`false` too, as some tools write); absent or empty → undefined. */
  flag(node: XmlElement, name: string, path: string): boolean | undefined {
    const text = this.text(node, name, path)
    if (text === undefined || text === '') return undefined
    const lower = text.toLowerCase()
    if (lower === '1' || lower === 'true') return true
    if (lower === '0' || lower === 'false') return false
    throw this.error(
      `${path}.${name}`,
      this.child(node, name, path)!,
      `expected 0 or 1, got ${JSON.stringify(text)}`,
    )
  }
}

/** Escapes text for an XML element. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : '&gt;'))
}

/** A coordinate for XML: integers as they are, else at most 6 decimals without trailing zeros. */
export function xmlNumber(value: number): string {
  if (Number.isInteger(value)) return String(value)
  const text = String(Number(value.toFixed(6)))
  return text === '-0' ? '0' : text
}
