// A small reading layer over fast-xml-parser for CVAT's XML: elements in document order, with an
// XPath-like path (`annotations/image[3]/box[1]`, 1-based per tag name, as XPath counts) and the
// line they start on, so every error names the element, the attribute and the line.

import { XMLParser, XMLValidator } from 'fast-xml-parser'
import { FormatError } from '../errors'
import { lineColumn } from '../files'

/** One node of fast-xml-parser's `preserveOrder` output: `{ tag: children, ':@': attrs }`. */
type RawNode = Record<string, unknown>

// typed `Symbol` (the wrapper type) upstream; it is a plain symbol
const META = XMLParser.getMetaDataSymbol() as unknown as symbol

export interface XmlElement {
  name: string
  attrs: Readonly<Record<string, string>>
  /** `annotations/image[3]/box[1]`. */
  path: string
  /** Offset of the element's start tag in the file, when known. */
  start: number | undefined
  raw: RawNode[]
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  preserveOrder: true,
  // attribute values and text are taken exactly as written (a text attribute may begin with a
  // space); whitespace between elements comes back as text nodes, which readers skip
  trimValues: false,
  parseTagValue: false,
  parseAttributeValue: false,
  processEntities: true,
  // decodes numeric references (`&#10;`) too, which CVAT writes for newlines in attributes
  htmlEntities: true,
  captureMetaData: true,
})

const EMPTY: Record<string, string> = {}

/** A parsed XML file whose errors name the file, the element path and the line. */
export class XmlDocument {
  readonly root: XmlElement

  constructor(
    readonly file: string,
    readonly source: string,
  ) {
    const valid = XMLValidator.validate(source)
    if (valid !== true) {
      const { line, col, msg } = valid.err
      throw new FormatError(
        file,
        `line ${line}, column ${col}`,
        `expected well-formed XML (${msg})`,
      )
    }
    const nodes = parser.parse(source) as RawNode[]
    const root = nodes.map((node) => topElement(node)).find((el) => el !== null)
    if (!root) throw new FormatError(file, '(root)', 'expected a root element')
    this.root = root
  }

  /** The element's child elements in document order, with their paths. */
  children(parent: XmlElement): XmlElement[] {
    const out: XmlElement[] = []
    const seen = new Map<string, number>()
    for (const node of parent.raw) {
      const name = elementName(node)
      if (name === null) continue
      const n = (seen.get(name) ?? 0) + 1
      seen.set(name, n)
      out.push(build(node, name, `${parent.path}/${name}[${n}]`))
    }
    return out
  }

  /** The first child element named `name`, or undefined. */
  child(parent: XmlElement, name: string): XmlElement | undefined {
    for (const node of parent.raw) {
      if (elementName(node) === name) return build(node, name, `${parent.path}/${name}[1]`)
    }
    return undefined
  }

  /** The text content of an element, exactly as written (entities decoded). */
  text(el: XmlElement): string {
    let out = ''
    for (const node of el.raw) {
      const text = node['#text']
      if (text !== undefined) out += String(text)
    }
    return out
  }

  /** The text of child `name`, or undefined when there is no such child. */
  childText(parent: XmlElement, name: string): string | undefined {
    const el = this.child(parent, name)
    return el ? this.text(el) : undefined
  }

  /** A FormatError at an element (and attribute): `annotations/image[3]/box[1]@xtl (line 12)`. */
  error(el: XmlElement, attr: string | undefined, expected: string): FormatError {
    let where = attr === undefined ? el.path : `${el.path}@${attr}`
    if (el.start !== undefined) where += ` (line ${lineColumn(this.source, el.start).line})`
    return new FormatError(this.file, where, expected)
  }
}

function elementName(node: RawNode): string | null {
  for (const key in node) {
    if (key !== ':@' && key !== '#text' && key !== '?xml' && !key.startsWith('!')) return key
  }
  return null
}

function topElement(node: RawNode): XmlElement | null {
  const name = elementName(node)
  return name === null ? null : build(node, name, name)
}

function build(node: RawNode, name: string, path: string): XmlElement {
  const attrs = (node[':@'] as Record<string, string> | undefined) ?? EMPTY
  const meta = (node as Record<symbol, { startIndex?: number } | undefined>)[META]
  return {
    name,
    attrs,
    path,
    start: meta?.startIndex,
    raw: (node[name] as RawNode[] | undefined) ?? [],
  }
}
