// Reading and writing VOC annotation XML. Every field read goes through `VocXml`, which names
// the element path (`annotation.object[2].bndbox.xmin`) and the line it is on in its errors.

import { FormatError } from '../errors'
import { lineColumn } from '../files'
import { parseXml, XmlSyntaxError, type XmlElement } from './xml-reader'

export type { XmlElement }

/** One parsed XML file, with helpers that report errors by element path and line. */
export class VocXml {
  constructor(
    readonly file: string,
    readonly source: string,
    readonly root: XmlElement,
  ) {}

  static parse(file: string, source: string): VocXml {
    let root: XmlElement
    try {
      root = parseXml(source)
    } catch (error) {
      if (!(error instanceof XmlSyntaxError)) throw error
      const { line, column } = lineColumn(source, error.offset)
      throw new FormatError(
        file,
        `line ${line}, column ${column}`,
        `expected well-formed XML (${error.message})`,
      )
    }
    if (root.name !== 'annotation') {
      throw new FormatError(file, '(root)', `expected an <annotation> element, got <${root.name}>`)
    }
    return new VocXml(file, source, root)
  }

  /** A FormatError at `path`, with the line of element `near`. */
  error(path: string, near: XmlElement, expected: string): FormatError {
    return new FormatError(
      this.file,
      `${path} (line ${lineColumn(this.source, near.start).line})`,
      expected,
    )
  }

  /** Child elements named `name`. */
  children(node: XmlElement, name: string): XmlElement[] {
    return node.children.filter((child) => child.name === name)
  }

  /** The one child element named `name`, or undefined; two of them is an error. */
  child(node: XmlElement, name: string, path: string): XmlElement | undefined {
    let found: XmlElement | undefined
    for (const child of node.children) {
      if (child.name !== name) continue
      if (found) throw this.error(`${path}.${name}`, child, `expected one <${name}> element`)
      found = child
    }
    return found
  }

  /** The trimmed text of a leaf child, or undefined when absent. */
  text(node: XmlElement, name: string, path: string): string | undefined {
    const child = this.child(node, name, path)
    if (!child) return undefined
    if (child.children.length > 0)
      throw this.error(`${path}.${name}`, child, 'expected text, not elements')
    return child.text.trim()
  }

  /** A number child: required unless `optional`, then undefined when absent or empty. */
  number(node: XmlElement, name: string, path: string, optional: true): number | undefined
  number(node: XmlElement, name: string, path: string, optional?: false): number
  number(node: XmlElement, name: string, path: string, optional = false): number | undefined {
    const text = this.text(node, name, path)
    if ((text === undefined || text === '') && optional) return undefined
    const at = this.child(node, name, path) ?? node
    if (text === undefined) throw this.error(`${path}.${name}`, at, 'missing: expected a number')
    const value = Number(text)
    if (text === '' || !Number.isFinite(value)) {
      throw this.error(`${path}.${name}`, at, `expected a number, got ${JSON.stringify(text)}`)
    }
    return value
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
