import { describe, expect, it } from 'vitest'
import { parseXml, XmlSyntaxError } from './xml-reader'

function offsetError(source: string): { message: string; offset: number } {
  try {
    parseXml(source)
  } catch (error) {
    if (error instanceof XmlSyntaxError) return { message: error.message, offset: error.offset }
    throw error
  }
  throw new Error('expected a syntax error')
}

describe('parseXml', () => {
  it('reads elements, text, entities, CDATA and skips prolog, comments, DOCTYPE and attributes', () => {
    const root = parseXml(
      '\ufeff<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE annotation [ <!ENTITY x "y"> ]>\n' +
        '<!-- made by hand -->\n<annotation verified="yes">\n  <name>a &amp; b &lt;c&gt; &#233;&#x263A;</name>\n' +
        '  <note><![CDATA[<raw> & ok]]></note>\n  <empty/>\n  <attr a=\'1\' b="2" />\n</annotation>\n<!-- end -->\n',
    )
    expect(root.name).toBe('annotation')
    expect(root.children.map((c) => [c.name, c.text])).toEqual([
      ['name', 'a & b <c> é☺'],
      ['note', '<raw> & ok'],
      ['empty', ''],
      ['attr', ''],
    ])
  })

  it('fails on what is not well-formed, at the offending place', () => {
    expect(offsetError('<a><b></a>')).toEqual({ message: 'expected </b>, got </a>', offset: 6 })
    expect(offsetError('<a>\n<b>text')).toEqual({
      message: 'expected </b> to close the element opened here',
      offset: 4,
    })
    expect(offsetError('<a>x &nbsp; y</a>').message).toBe('unknown entity &nbsp;')
    expect(offsetError('<a>x & y</a>').message).toBe("'&' that starts no entity")
    expect(offsetError('<a></a><b></b>').message).toBe('expected nothing after the root element')
    expect(offsetError('text').message).toBe('expected the root element')
    expect(offsetError('').message).toBe('expected the root element')
    expect(offsetError('<a b></a>').message).toBe("expected '=' after an attribute name")
    expect(offsetError('<a b=c></a>').message).toBe('expected a quoted attribute value')
    expect(offsetError('<1a></1a>').message).toBe('expected a name')
    expect(offsetError('<a><!-- open</a>').message).toBe('unclosed comment')
  })
})
