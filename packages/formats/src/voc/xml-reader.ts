// A small strict XML reader for annotation files: elements, text, CDATA, comments, processing
// instructions, a DOCTYPE and the predefined and numeric entities; attributes are checked and
// skipped. It checks well-formedness as it goes (a mismatched or unclosed tag, text outside the
// root, a bad entity) and throws with the line and column. It exists because fast-xml-parser
// took ~4 s (parse + validate) for 5,000 VOC files of 11 objects; this takes ~0.1 s.

export interface XmlElement {
  name: string
  /** Offset of the element's `<` in the source, for line numbers. */
  start: number
  children: XmlElement[]
  /** The element's own text (entities decoded, CDATA included), untrimmed. */
  text: string
}

export class XmlSyntaxError extends Error {
  override name = 'XmlSyntaxError'
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message)
  }
}

const NAME = /^[A-Za-z_:\u00C0-\uFFFF][A-Za-z0-9_:.\-\u00B7\u00C0-\uFFFF]*$/

/** Space, tab, line feed, carriage return. */
const isSpace = (c: number) => c === 32 || c === 9 || c === 10 || c === 13
/** Characters that end a name: space, `/`, `>`, `=`. */
const endsName = (c: number) => isSpace(c) || c === 47 || c === 62 || c === 61
const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" }

function decodeEntities(raw: string, offset: number): string {
  if (!raw.includes('&')) return raw
  return raw.replace(/&([^;&\s]*);?/g, (match, body: string, at: number) => {
    if (!match.endsWith(';')) throw new XmlSyntaxError("'&' that starts no entity", offset + at)
    if (body in ENTITIES) return ENTITIES[body]!
    const code = /^#x([0-9a-fA-F]+)$/.exec(body)
      ? parseInt(body.slice(2), 16)
      : /^#(\d+)$/.test(body)
        ? parseInt(body.slice(1), 10)
        : NaN
    if (!Number.isFinite(code) || code > 0x10ffff) {
      throw new XmlSyntaxError(`unknown entity &${body};`, offset + at)
    }
    return String.fromCodePoint(code)
  })
}

/** Parses a document and returns its root element. */
export function parseXml(source: string): XmlElement {
  let pos = source.charCodeAt(0) === 0xfeff ? 1 : 0
  const fail = (message: string, at = pos): never => {
    throw new XmlSyntaxError(message, at)
  }
  const skipSpace = () => {
    while (pos < source.length && isSpace(source.charCodeAt(pos))) pos++
  }
  const skipUntil = (end: string, what: string) => {
    const at = source.indexOf(end, pos)
    if (at < 0) fail(`unclosed ${what}`)
    pos = at + end.length
  }
  /** Skips comments, processing instructions and a DOCTYPE; false when none is next. */
  const skipMisc = (): boolean => {
    if (source.startsWith('<!--', pos)) skipUntil('-->', 'comment')
    else if (source.startsWith('<?', pos)) skipUntil('?>', 'processing instruction')
    else if (source.startsWith('<!DOCTYPE', pos)) {
      const bracket = source.indexOf('[', pos)
      const close = source.indexOf('>', pos)
      if (bracket >= 0 && bracket < close) {
        pos = bracket
        skipUntil(']', 'DOCTYPE')
      }
      skipUntil('>', 'DOCTYPE')
    } else return false
    return true
  }
  const readName = (): string => {
    const start = pos
    while (pos < source.length && !endsName(source.charCodeAt(pos))) pos++
    const name = source.slice(start, pos)
    if (!NAME.test(name)) fail('expected a name', start)
    return name
  }

  const parseElement = (): XmlElement => {
    const start = pos
    pos++ // '<'
    const element: XmlElement = { name: readName(), start, children: [], text: '' }
    // attributes: checked, then dropped
    for (;;) {
      const before = pos
      skipSpace()
      if (source.startsWith('/>', pos)) {
        pos += 2
        return element
      }
      if (source[pos] === '>') {
        pos++
        break
      }
      if (pos === before) fail(`expected whitespace, '>' or '/>' in <${element.name}>`)
      readName()
      skipSpace()
      if (source[pos] !== '=') fail("expected '=' after an attribute name")
      pos++
      skipSpace()
      const quote = source[pos]
      if (quote !== '"' && quote !== "'") fail('expected a quoted attribute value')
      const end = source.indexOf(quote!, pos + 1)
      if (end < 0) fail('unclosed attribute value')
      if (source.slice(pos + 1, end).includes('<')) fail("'<' in an attribute value", pos + 1)
      pos = end + 1
    }
    // content
    let text = ''
    for (;;) {
      const next = source.indexOf('<', pos)
      if (next < 0) {
        fail(`expected </${element.name}> to close the element opened here`, start)
      }
      if (next > pos) text += decodeEntities(source.slice(pos, next), pos)
      pos = next
      if (source.startsWith('</', pos)) {
        pos += 2
        const closeAt = pos
        const name = readName()
        if (name !== element.name) {
          fail(`expected </${element.name}>, got </${name}>`, closeAt - 2)
        }
        skipSpace()
        if (source[pos] !== '>') fail(`expected '>' to end </${name}>`)
        pos++
        element.text = text
        return element
      }
      if (source.startsWith('<![CDATA[', pos)) {
        const end = source.indexOf(']]>', pos)
        if (end < 0) fail('unclosed CDATA section')
        text += source.slice(pos + 9, end)
        pos = end + 3
      } else if (!skipMisc()) {
        element.children.push(parseElement())
      }
    }
  }

  for (;;) {
    skipSpace()
    if (!skipMisc()) break
  }
  if (source[pos] !== '<') fail('expected the root element')
  const root = parseElement()
  for (;;) {
    skipSpace()
    if (pos >= source.length) return root
    if (!skipMisc()) fail('expected nothing after the root element')
  }
}
