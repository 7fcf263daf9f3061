import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { ModelError, ProjectDocument } from '@loupe/model'
import { draftToInput, labelToDraft, newAttributeDraft, newLabelDraft } from './label-draft'

describe('label drafts', () => {
  it('turns a draft with all five attribute types into a valid label and back', () => {
    const draft = newLabelDraft(0)
    draft.name = 'car'
    draft.attributes = [
      {
        ...newAttributeDraft('select'),
        name: 'colour',
        values: 'red, green,blue',
        default: 'green',
      },
      { ...newAttributeDraft('radio'), name: 'side', values: 'left\nright' },
      { ...newAttributeDraft('checkbox'), name: 'parked', default: 'true', mutable: true },
      {
        ...newAttributeDraft('number'),
        name: 'doors',
        min: '2',
        max: '5',
        step: '1',
        default: '4',
      },
      { ...newAttributeDraft('text'), name: 'plate' },
    ]
    const project = ProjectDocument.create(new Y.Doc(), { name: 'p' })
    const label = project.addLabel(draftToInput(draft))
    expect(label.attributes.map((a) => [a.type, a.values, a.default, a.mutable])).toEqual([
      ['select', ['red', 'green', 'blue'], 'green', false],
      ['radio', ['left', 'right'], 'left', false],
      ['checkbox', [], true, true],
      ['number', [2, 5, 1], 4, false],
      ['text', [], '', false],
    ])
    const again = draftToInput(labelToDraft(label))
    expect(project.updateLabel(label.id, again)).toEqual(label)
  })

  it('lets the model name the field of a bad value', () => {
    const draft = newLabelDraft(1)
    draft.name = 'x'
    draft.attributes = [
      { ...newAttributeDraft('number'), name: 'n', min: '5', max: '1', step: '1' },
    ]
    const project = ProjectDocument.create(new Y.Doc(), { name: 'p' })
    try {
      project.addLabel(draftToInput(draft))
      expect.unreachable()
    } catch (error) {
      expect(error).toBeInstanceOf(ModelError)
      expect((error as ModelError).path).toMatch(/attributes\[0\]\.values$/)
    }
  })
})
