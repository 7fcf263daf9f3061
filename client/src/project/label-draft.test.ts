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

describe('skeleton label drafts', () => {
  it('keeps bones through an edit (they used to be dropped), by node name, hyphens allowed', () => {
    const project = ProjectDocument.create(new Y.Doc(), { name: 'p' })
    const label = project.addLabel({
      name: 'face',
      color: '#e15759',
      type: 'skeleton',
      skeleton: {
        nodes: ['left-eye', 'right-eye', 'nose'],
        edges: [
          [0, 2],
          [1, 2],
        ],
      },
    })
    const draft = labelToDraft(label)
    expect(draft.skeletonBones).toBe('left-eye-nose, right-eye-nose')
    expect(project.updateLabel(label.id, draftToInput(draft)).skeleton?.edges).toEqual([
      [0, 2],
      [1, 2],
    ])
    draft.skeletonBones = 'Left-Eye - right-eye,\nnose-right-eye'
    expect(draftToInput(draft).skeleton?.edges).toEqual([
      [0, 1],
      [2, 1],
    ])
  })

  it('a bone that does not name two nodes is an error that says which and lists the nodes', () => {
    const draft = { ...newLabelDraft(0), name: 'arm', type: 'skeleton' as const }
    draft.skeletonNodes = 'shoulder, elbow, wrist'
    draft.skeletonBones = 'shoulder-elbow, elbow-hand'
    expect(() => draftToInput(draft)).toThrow(
      '“elbow-hand” (bone 2) is not two node names joined by “-”; the nodes are shoulder, elbow, wrist',
    )
  })
})
