// What each key-map action does. One switch over action ids, so the toolbar, the panels and the
// keyboard all run the same code.

import { Origin, type ShapeRecord } from '@loupe/model'
import type { EditorController } from './controller'
import { TOOL_IDS, type ToolId } from './tools'
import { SamTool } from './tools/sam'

export function runAction(editor: EditorController, id: string): void {
  if (id.startsWith('tool.')) {
    const tool = id.slice(5)
    if (tool === 'repeat') editor.setTool(editor.lastDrawingTool)
    else if ((TOOL_IDS as readonly string[]).includes(tool)) editor.setTool(tool as ToolId)
    return
  }
  if (id.startsWith('label.')) {
    const label = editor.labels[Number(id.slice(6)) - 1]
    if (!label) return
    const selected = editor.selected
    editor.setActiveLabel(label.id)
    // With a shape selected and no gesture under way (e.g. the box just drawn with R), the number
    // relabels it, as in CVAT; it also becomes the label of the next shape drawn.
    if (selected && !editor.currentTool.busy && selected.labelId !== label.id)
      relabel(editor, selected.id, label.id)
    return
  }
  switch (id) {
    case 'brush.smaller':
      return editor.setBrushSize(editor.brushSize / 1.25)
    case 'brush.larger':
      return editor.setBrushSize(editor.brushSize * 1.25 + 1)
    case 'image.next':
    case 'image.previous': {
      const next = editor.imageAt(id === 'image.next' ? 1 : -1)
      if (next) editor.goToImage(next.id)
      return
    }
    case 'view.fit':
      return editor.fit()
    case 'view.help':
      return editor.setHelpOpen(!editor.helpOpen)
    case 'view.shortcuts':
      return editor.setShortcutsOpen(!editor.shortcutsOpen)
    case 'object.next':
      return cycle(editor, 1)
    case 'object.previous':
      return cycle(editor, -1)
    case 'object.delete':
      return deleteSelected(editor)
    case 'object.hide':
      return toggleView(editor, 'hidden')
    case 'object.lock':
      return toggleView(editor, 'locked')
    case 'object.forward':
      return reorder(editor, 1)
    case 'object.backward':
      return reorder(editor, -1)
    case 'edit.cancel':
      return editor.cancel()
    case 'edit.accept':
      editor.currentTool.accept()
      return
    case 'sam.candidate': {
      const tool = editor.currentTool
      if (tool instanceof SamTool) tool.nextCandidate()
      return
    }
    case 'edit.undo':
      editor.currentTool.reset()
      editor.write(() => editor.undo.undo())
      return
    case 'edit.redo':
      editor.currentTool.reset()
      editor.write(() => editor.undo.redo())
      return
    case 'edit.copy':
      return copy(editor)
    case 'edit.paste':
      return paste(editor)
  }
}

export function relabel(editor: EditorController, shapeId: string, labelId: string): void {
  if (!editor.canEdit(shapeId)) return
  editor.undo.beginGesture()
  editor.write(() => editor.job.updateShape(shapeId, { labelId }))
}

/** Tab / Shift+Tab: the next visible object of the image, bottom to top. */
export function cycle(editor: EditorController, step: 1 | -1): void {
  const shapes = editor.mirror.list.filter((s) => !editor.view.hidden.has(s.id))
  if (shapes.length === 0) return
  const i = shapes.findIndex((s) => s.id === editor.selectedId)
  const next =
    i < 0 ? (step > 0 ? 0 : shapes.length - 1) : (i + step + shapes.length) % shapes.length
  editor.select(shapes[next]!.id)
}

export function deleteSelected(editor: EditorController): void {
  const shape = editor.selected
  if (!shape) return
  if (!editor.canEdit(shape.id)) {
    editor.showError(editor.readOnly ? 'This job is view only.' : 'Unlock the object to delete it.')
    return
  }
  editor.undo.beginGesture()
  editor.write(() => editor.job.deleteShape(shape.id))
  editor.select(null)
}

export function deleteShape(editor: EditorController, id: string): void {
  if (!editor.canEdit(id)) return
  editor.undo.beginGesture()
  editor.write(() => editor.job.deleteShape(id))
}

export function toggleView(editor: EditorController, which: 'hidden' | 'locked', id?: string) {
  const target = id ?? editor.selectedId
  if (!target) return
  editor.view.toggle(which, target)
  editor.mirror.refreshView()
  editor.refreshOverlay()
  editor.changed()
}

/** Swaps the selected shape with its neighbour above (1) or below (-1) in draw order. */
export function reorder(editor: EditorController, step: 1 | -1, id = editor.selectedId): void {
  if (!id || !editor.canEdit(id)) return
  const shapes = editor.mirror.list
  const i = shapes.findIndex((s) => s.id === id)
  const shape = shapes[i]
  const other = shapes[i + step]
  if (!shape || !other) return
  editor.undo.beginGesture()
  editor.write(() => {
    const z = other.zOrder === shape.zOrder ? other.zOrder + step : other.zOrder
    editor.job.doc.transact(() => {
      editor.job.updateShape(shape.id, { zOrder: z })
      if (other.zOrder !== shape.zOrder) editor.job.updateShape(other.id, { zOrder: shape.zOrder })
    }, Origin.local)
  })
}

export function copy(editor: EditorController): void {
  const shape = editor.selected
  if (shape) editor.clipboard = [shape]
  editor.changed()
}

const PASTE_OFFSET = 10

/** Pastes the copied shapes into the current image (offset when pasted onto their own image). */
export function paste(editor: EditorController): void {
  const imageId = editor.imageId
  if (!imageId || editor.readOnly || editor.clipboard.length === 0) return
  editor.undo.beginGesture()
  let last: ShapeRecord | undefined
  for (const source of editor.clipboard) {
    const offset = source.imageId === imageId ? PASTE_OFFSET : 0
    const points =
      source.type === 'ellipse'
        ? [
            source.points[0]! + offset,
            source.points[1]! + offset,
            source.points[2]!,
            source.points[3]!,
          ]
        : source.points.map((v) => v + offset)
    last =
      editor.write(() =>
        editor.job.addShape({
          imageId,
          labelId: source.labelId,
          type: source.type,
          points,
          rotation: source.rotation,
          occluded: source.occluded,
          attributes: source.attributes,
          ...(source.mask ? { mask: source.mask } : {}),
          ...(source.visibility ? { visibility: source.visibility } : {}),
          source: 'manual',
        }),
      ) ?? last
  }
  if (last) editor.select(last.id)
}
