import { strToU8, zipSync } from 'fflate'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { FileTree, FormatError, jsonPath, parseJson, parseWithSchema } from './index'

describe('FileTree', () => {
  it('reads a zip, skipping folders and macOS metadata and stripping one common root', () => {
    const zip = zipSync({
      'export/': new Uint8Array(0),
      'export/annotations/a.json': strToU8('{"a":1}'),
      'export/images/x.jpg': new Uint8Array([1, 2, 3]),
      '__MACOSX/export/._x.jpg': new Uint8Array([9]),
    })
    const tree = FileTree.fromZip(zip)
    expect(tree.paths()).toEqual(['annotations/a.json', 'images/x.jpg'])
    expect(tree.json('annotations/a.json')).toEqual({ a: 1 })
    expect(tree.paths('images')).toEqual(['images/x.jpg'])
    expect(FileTree.fromZip(tree.toZip()).paths()).toEqual(tree.paths())
  })

  it('keeps a single top folder that is part of a dataset layout', () => {
    const only = (path: string) => FileTree.fromZip(zipSync({ [path]: strToU8('{}') })).paths()
    expect(only('annotations/instances_default.json')).toEqual([
      'annotations/instances_default.json',
    ])
    expect(only('train/_annotations.coco.json')).toEqual(['train/_annotations.coco.json'])
    expect(only('obj_train_data/a.txt')).toEqual(['obj_train_data/a.txt'])
    expect(only('my-export/annotations.xml')).toEqual(['annotations.xml'])
  })

  it('names the file and what was expected', () => {
    expect(() => FileTree.fromZip(strToU8('not a zip'))).toThrow(FormatError)
    const tree = new FileTree([['a.json', '{\n  "a": 1,\n  "b": 2\n  "c": 3\n}']])
    expect(() => tree.json('a.json')).toThrow(/^a\.json: line 4, column 3: expected valid JSON/)
    expect(() => tree.text('missing.json')).toThrow(/^missing\.json: missing/)
    expect(() => parseJson('b.json', '{"a":}')).toThrow(
      /^b\.json: line 1, column 6: expected valid JSON/,
    )
    expect(() => parseJson('c.json', '[1,\n "x\\q"]')).toThrow(/^c\.json: line 2, column 5: /)
    expect(() => parseJson('d.json', '{"a": [1, 2}')).toThrow(/^d\.json: line 1, column 12: /)
    expect(() => parseJson('e.json', '{"a": tru}')).toThrow(/^e\.json: line 1, column 10: /)
    expect(() => parseJson('f.json', '{"a": 1')).toThrow(/^f\.json: line 1, column 8: /)
  })

  it('turns schema problems into JSON paths', () => {
    const schema = z.object({
      annotations: z.array(
        z.object({ bbox: z.array(z.number()).length(4, { error: 'expected 4 numbers' }) }),
      ),
    })
    const data = { annotations: [{ bbox: [1, 2, 3, 4] }, { bbox: [1, 2] }] }
    expect(() => parseWithSchema('annotations/instances_val.json', data, schema)).toThrow(
      'annotations/instances_val.json: annotations[1].bbox: expected 4 numbers',
    )
    expect(jsonPath(['items', 0, 'weird key'])).toBe('items[0]["weird key"]')
  })
})
