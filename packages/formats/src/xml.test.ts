import { describe, expect, it } from 'vitest'
import { XmlDocument } from './xml'

function message(source: string): string {
  try {
    void new XmlDocument('a.xml', source)
  } catch (error) {
    return (error as Error).message
  }
  throw new Error('expected an error')
}

describe('XmlDocument', () => {
  it('reads elements, attributes, text, entities and CDATA; skips prolog, comments and DOCTYPE', () => {
    const doc = new XmlDocument(
      'a.xml',
      '\ufeff<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE annotation [ <!ENTITY who "Loupe"> ]>\n' +
        '<!-- made by hand -->\n<annotation verified="yes">\n  <name>a &amp; b &lt;c&gt; &#233;&#x263A; &who;</name>\n' +
        '  <note><![CDATA[<raw> & ok]]></note>\n  <empty/>\n  <attr a=\'1\' b=" x&#10;y&quot;" />\n' +
        '  <?pi data?>\n  <name>second</name>\n</annotation>\n<!-- end -->\n',
    )
    const root = doc.root
    expect([root.name, root.path, root.attrs]).toEqual([
      'annotation',
      'annotation',
      { verified: 'yes' },
    ])
    const children = doc.children(root)
    expect(children.map((c) => [c.path, doc.text(c)])).toEqual([
      ['annotation/name[1]', 'a & b <c> é☺ Loupe'],
      ['annotation/note[1]', '<raw> & ok'],
      ['annotation/empty[1]', ''],
      ['annotation/attr[1]', ''],
      ['annotation/name[2]', 'second'],
    ])
    expect(children[3]!.attrs).toEqual({ a: '1', b: ' x\ny"' })
    expect(doc.children(root, 'name').map((c) => c.path)).toEqual([
      'annotation/name[1]',
      'annotation/name[2]',
    ])
    expect(doc.childText(root, 'note')).toBe('<raw> & ok')
    expect(doc.hasChildElements(root)).toBe(true)
    expect(doc.hasChildElements(children[0]!)).toBe(false)
    // an entity nobody declared (HTML's) stays as written
    const html = new XmlDocument('b.xml', '<a>x&nbsp;y</a>')
    expect(html.text(html.root)).toBe('x&nbsp;y')
  })

  it('names the element, the attribute and the line in errors, CRLF or not', () => {
    for (const newline of ['\n', '\r\n']) {
      const doc = new XmlDocument(
        'a.xml',
        ['<a>', '  <b/>', '  <c>', '    <b x="1"/>', '    <b x="2"/>', '  </c>', '</a>'].join(
          newline,
        ),
      )
      const c = doc.child(doc.root, 'c')!
      const second = doc.children(c)[1]!
      expect(doc.error(second, 'x', 'expected 3').message).toBe(
        'a.xml: a/c[1]/b[2]@x (line 5): expected 3',
      )
      expect(doc.errorAt('a.c.b[1]', second, 'expected 3').message).toBe(
        'a.xml: a.c.b[1] (line 5): expected 3',
      )
      expect(doc.line(doc.root)).toBe(1)
    }
  })

  it('fails on what is not well-formed, at the offending line and column', () => {
    expect(message('<a><b></a>')).toBe(
      "a.xml: line 1, column 7: expected well-formed XML (Expected closing tag 'b' (opened in line 1, col 4) instead of closing tag 'a'.)",
    )
    expect(message('<a>\n<b>text')).toBe(
      'a.xml: line 2, column 8: expected well-formed XML (the file ends before </b>, </a>)',
    )
    expect(message('<a>\n  <b>text</b>')).toBe(
      "a.xml: line 1, column 1: expected well-formed XML (Unclosed tag 'a'.)",
    )
    expect(message('<a>x & y</a>')).toBe(
      "a.xml: line 1, column 6: expected well-formed XML (char '&' is not expected.)",
    )
    expect(message('<a></a><b></b>')).toBe(
      'a.xml: line 1, column 10: expected well-formed XML (Multiple possible root nodes found.)',
    )
    expect(message('<a>x</a>\ntrailing')).toBe(
      'a.xml: line 2, column 1: expected well-formed XML (Extra text at the end)',
    )
    expect(message('')).toBe(
      'a.xml: line 1, column 1: expected well-formed XML (expected the root element)',
    )
    expect(message('text')).toBe(
      "a.xml: line 1, column 1: expected well-formed XML (char 't' is not expected.)",
    )
    expect(message('<a b=c></a>')).toBe(
      "a.xml: line 1, column 4: expected well-formed XML (Attribute 'b' is without value.)",
    )
    expect(message('<1a></1a>')).toBe(
      "a.xml: line 1, column 4: expected well-formed XML (Tag '1a' is an invalid name.)",
    )
    expect(message('<a x="1" x="2"/>')).toBe(
      "a.xml: line 1, column 10: expected well-formed XML (Attribute 'x' is repeated.)",
    )
  })

  it('refuses entities that expand without bound', () => {
    const big = 'x'.repeat(5000)
    const source = `<!DOCTYPE a [ <!ENTITY big "${big}"> ]>\n<a>${'&big;'.repeat(300)}</a>`
    expect(message(source)).toMatch(
      /^a\.xml: \(document\): expected well-formed XML \(.*more than 1000000 characters/,
    )
  })
})
