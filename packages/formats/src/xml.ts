// The one XML reading layer of the formats (CVAT for images, Pascal VOC), over fast-xml-parser:
// elements in document order, each with an XPath-like path (`annotations/image[3]/box[1]`,
// 1-based per tag name, as XPath counts), so every error names the file, the element (and
// attribute) and the line.
//
// Speed (5,000 VOC files of 11 objects, 16 MB; CPU time): fast-xml-parser's defaults as first
// used here took ~1.35 s to parse plus ~0.26 s for XMLValidator. Most of the parse time was
// options: `htmlEntities: true` builds a ~250-entry entity map for every document, `jPath: true`
// builds a path string for every element, `captureMetaData` records offsets for every element.
// So: one parser for all documents; entities through the small decoder below (the XML ones,
// numeric references and a DOCTYPE's own; no HTML names); no jPath strings; offsets only for a
// document that has an error, by parsing it again with `captureMetaData` (errors are rare, and
// an element is found again by its path). XMLValidator still checks every document: the parser
// alone accepts mismatched and unclosed tags and text after the root, so it cannot be skipped.

import {
  XMLParser,
  XMLValidator,
  type EntityDecoderOptions,
  type X2jOptions,
} from 'fast-xml-parser'
import { FormatError } from './errors'
import { lineColumn } from './files'

/** One node of fast-xml-parser's `preserveOrder` output: `{ tag: children, ':@': attrs }`. */
type RawNode = Record<string, unknown>

export interface XmlElement {
  readonly name: string
  /** Attribute values exactly as written (entities decoded). */
  readonly attrs: Readonly<Record<string, string>>
  /** `annotations/image[3]/box[1]`. */
  readonly path: string
  /** The parser's child nodes (elements and text) in document order. */
  readonly raw: readonly RawNode[]
}

const XML_ENTITIES: ReadonlyMap<string, string> = new Map([
  ['lt', '<'],
  ['gt', '>'],
  ['amp', '&'],
  ['quot', '"'],
  ['apos', "'"],
])

/** At most this many characters from a DOCTYPE's entities per document (no entity bombs). */
const MAX_EXPANDED = 1_000_000

/**
 * Decodes the five XML entities, numeric references (`&#10;`, which CVAT writes for newlines in
 * attributes; `&#x263A;`) and entities the document's DOCTYPE declares; anything else is left as
 * written. One instance serves every document (the parser resets it for each).
 */
class EntityDecoder implements EntityDecoderOptions {
  private declared = new Map<string, string>()
  private expanded = 0

  setExternalEntities(): void {}

  addInputEntities(entities: Record<string, string>): void {
    this.declared = new Map(Object.entries(entities))
  }

  reset(): void {
    this.declared.clear()
    this.expanded = 0
  }

  setXmlVersion(): void {}

  decode(text: string): string {
    if (!text.includes('&')) return text
    return text.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[^\s&;#]+);/g, (match, body: string) => {
      if (body.startsWith('#')) {
        const code = body[1] === 'x' ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10)
        return code > 0 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff)
          ? String.fromCodePoint(code)
          : match
      }
      const known = XML_ENTITIES.get(body)
      if (known !== undefined) return known
      const declared = this.declared.get(body)
      if (declared === undefined) return match
      this.expanded += declared.length
      if (this.expanded > MAX_EXPANDED) {
        throw new Error(`entities expand to more than ${MAX_EXPANDED} characters`)
      }
      return declared
    })
  }
}
const entityDecoder = new EntityDecoder()

const OPTIONS: X2jOptions = {
  ignoreAttributes: false,
  attributeNamePrefix: '',
  preserveOrder: true,
  // attribute values and text are taken exactly as written (a text attribute may begin with a
  // space); whitespace between elements comes back as text nodes, which readers skip
  trimValues: false,
  parseTagValue: false,
  parseAttributeValue: false,
  processEntities: true,
  entityDecoder,
  jPath: false,
}
const parser = new XMLParser(OPTIONS)
/** For documents with an error: the same tree with each element's offset. */
const locating = new XMLParser({ ...OPTIONS, captureMetaData: true })
// typed `Symbol` (the wrapper type) upstream; it is a plain symbol
const META = XMLParser.getMetaDataSymbol() as unknown as symbol

const EMPTY: Record<string, string> = {}

/** A parsed XML file whose errors name the file, the element path and the line. */
export class XmlDocument {
  readonly root: XmlElement
  /** The tree with offsets, parsed on the first error. */
  private located: RawNode[] | undefined

  constructor(
    readonly file: string,
    readonly source: string,
  ) {
    const valid = XMLValidator.validate(source)
    if (valid !== true) throw syntaxError(file, source, valid.err)
    let nodes: RawNode[]
    try {
      nodes = parser.parse(source) as RawNode[]
    } catch (error) {
      // the validator let it through, the parser did not (limits such as nesting depth)
      throw new FormatError(file, '(document)', `expected well-formed XML (${String(error)})`)
    }
    const root = nodes.map((node) => topElement(node)).find((el) => el !== null)
    if (!root) throw new FormatError(file, '(root)', 'expected a root element')
    this.root = root
  }

  /** The element's child elements in document order (only those named `name`, if given). */
  children(parent: XmlElement, name?: string): XmlElement[] {
    const out: XmlElement[] = []
    if (name !== undefined) {
      for (const node of parent.raw) {
        if (elementName(node) === name) {
          out.push(build(node, name, `${parent.path}/${name}[${out.length + 1}]`))
        }
      }
      return out
    }
    const seen = new Map<string, number>()
    for (const node of parent.raw) {
      const tag = elementName(node)
      if (tag === null) continue
      const n = (seen.get(tag) ?? 0) + 1
      seen.set(tag, n)
      out.push(build(node, tag, `${parent.path}/${tag}[${n}]`))
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

  /** Whether the element has child elements (not only text). */
  hasChildElements(el: XmlElement): boolean {
    return el.raw.some((node) => elementName(node) !== null)
  }

  /** The text content of an element, exactly as written (entities decoded, CDATA included). */
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

  /** The line the element's start tag is on (1-based), or undefined if it cannot be found. */
  line(el: XmlElement): number | undefined {
    this.located ??= locating.parse(this.source) as RawNode[]
    let nodes: readonly RawNode[] = this.located
    let found: RawNode | undefined
    for (const step of el.path.split('/')) {
      const match = /^(.*?)(?:\[(\d+)\])?$/.exec(step)!
      const name = match[1]!
      let n = Number(match[2] ?? 1)
      found = nodes.find((node) => elementName(node) === name && --n === 0)
      if (!found) return undefined
      nodes = (found[name] as RawNode[] | undefined) ?? []
    }
    const start = (found as Record<symbol, { startIndex?: number } | undefined> | undefined)?.[META]
      ?.startIndex
    return start === undefined ? undefined : lineColumn(this.source, start).line
  }

  /** A FormatError at an element (and attribute): `annotations/image[3]/box[1]@xtl (line 12)`. */
  error(el: XmlElement, attr: string | undefined, expected: string): FormatError {
    return this.errorAt(attr === undefined ? el.path : `${el.path}@${attr}`, el, expected)
  }

  /** A FormatError at `where` (a reader's own name for the place), with the line of `el`. */
  errorAt(where: string, el: XmlElement, expected: string): FormatError {
    const line = this.line(el)
    return new FormatError(
      this.file,
      line === undefined ? where : `${where} (line ${line})`,
      expected,
    )
  }
}

/** XMLValidator's error as a FormatError at its line and column, in words where they help. */
function syntaxError(
  file: string,
  source: string,
  err: { code: string; msg: string; line: number; col?: number },
): FormatError {
  let { line, col = 1, msg } = err
  if (err.code === 'InvalidXml' && msg === 'Start tag expected.') msg = 'expected the root element'
  const unclosed = /^Invalid '\[(.*)\]' found\.$/.exec(msg)
  if (err.code === 'InvalidXml' && unclosed) {
    // several elements left open at the end: name them, innermost first, at the end of the file
    const names = (JSON.parse(`[${unclosed[1]!}]`) as string[]).reverse()
    msg = `the file ends before ${names.map((name) => `</${name}>`).join(', ')}`
    ;({ line, column: col } = lineColumn(source, source.length))
  }
  return new FormatError(file, `line ${line}, column ${col}`, `expected well-formed XML (${msg})`)
}

function elementName(node: RawNode): string | null {
  for (const key in node) {
    if (key !== ':@' && key !== '#text' && !key.startsWith('?') && !key.startsWith('!')) return key
  }
  return null
}

function topElement(node: RawNode): XmlElement | null {
  const name = elementName(node)
  return name === null ? null : build(node, name, name)
}

function build(node: RawNode, name: string, path: string): XmlElement {
  return {
    name,
    attrs: (node[':@'] as Record<string, string> | undefined) ?? EMPTY,
    path,
    raw: (node[name] as RawNode[] | undefined) ?? [],
  }
}
