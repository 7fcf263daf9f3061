// How the editor writes shapes: every write goes through the model, and a ModelError (a label
// that does not allow the type, a polygon with too few points) is shown to the user, not thrown.

import {
  ModelError,
  type LabelRecord,
  type ProjectDocument,
  type ShapeInput,
  type ShapeRecord,
  type ShapeType,
} from '@loupe/model'
import type { EditorController } from './controller'

export type ShapeDraft = Pick<ShapeInput, 'type' | 'points'> & Partial<ShapeInput>

/** Runs a model write; a ModelError becomes the editor's error message. */
export function writeShowingErrors<T>(editor: EditorController, fn: () => T): T | undefined {
  try {
    const result = fn()
    if (editor.error) editor.showError(null)
    return result
  } catch (error) {
    if (error instanceof ModelError) {
      editor.showError(error.message)
      return undefined
    }
    throw error
  }
}

/** The label a new shape of `type` gets: the active one if it allows the type, else the first. */
export function labelForType(
  project: ProjectDocument,
  activeLabelId: string | null,
  type: ShapeType,
): LabelRecord | undefined {
  // A skeleton needs its label's nodes, which only skeleton labels have.
  const allows = (l: LabelRecord) =>
    type === 'skeleton' ? l.type === 'skeleton' : l.type === 'any' || l.type === type
  const active = activeLabelId ? project.getLabel(activeLabelId) : undefined
  if (active && allows(active)) return active
  return project.listLabels().find(allows)
}

/** Adds a shape to the current image (of `label`, else the active label) and selects it. */
export function createShape(
  editor: EditorController,
  input: ShapeDraft,
  label?: LabelRecord | null,
): ShapeRecord | undefined {
  const imageId = editor.imageId
  const chosen = label ?? editor.labelFor(input.type)
  if (!imageId || !chosen) return undefined
  const shape = editor.write(() =>
    editor.job.addShape({ imageId, labelId: chosen.id, source: 'manual', ...input }),
  )
  if (shape) {
    editor.createdHere.add(shape.id)
    editor.select(shape.id)
  }
  return shape
}
