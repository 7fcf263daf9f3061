// The editor's tools by id. Each is a Tool (a small state machine) built from its states.

import type { EditorController } from '../controller'
import { createBoxTool } from './rectangle'
import { createMaskTool } from './mask'
import { createPointListTool } from './polygon'
import { createSelectTool } from './select'
import type { Tool } from './state-node'

export const TOOL_IDS = [
  'select',
  'rectangle',
  'polygon',
  'polyline',
  'points',
  'ellipse',
  'mask',
  'eraser',
] as const
export type ToolId = (typeof TOOL_IDS)[number]

/** Tools that draw new shapes (what N repeats). */
export const DRAWING_TOOLS: readonly ToolId[] = [
  'rectangle',
  'polygon',
  'polyline',
  'points',
  'ellipse',
  'mask',
]

export function createTool(id: ToolId, editor: EditorController): Tool {
  switch (id) {
    case 'select':
      return createSelectTool(editor)
    case 'rectangle':
    case 'ellipse':
      return createBoxTool(id, editor)
    case 'polygon':
    case 'polyline':
    case 'points':
      return createPointListTool(id, editor)
    case 'mask':
    case 'eraser':
      return createMaskTool(id, editor)
  }
}
