// The editor's tools by id. Each is a Tool (a small state machine) built from its states.

import type { EditorController } from '../controller'
import { createBoxTool } from './rectangle'
import { createMaskTool } from './mask'
import { createPointListTool } from './polygon'
import { createSamTool } from './sam'
import { createScissorsTool } from './scissors'
import { createSelectTool } from './select'
import { createSkeletonTool } from './skeleton'
import { createWandTool } from './wand'
import type { Tool } from './state-node'

export const TOOL_IDS = [
  'select',
  'rectangle',
  'polygon',
  'polyline',
  'points',
  'ellipse',
  'skeleton',
  'mask',
  'eraser',
  'sam',
  'wand',
  'scissors',
] as const
export type ToolId = (typeof TOOL_IDS)[number]

/** Tools that draw new shapes (what N repeats). */
export const DRAWING_TOOLS: readonly ToolId[] = [
  'rectangle',
  'polygon',
  'polyline',
  'points',
  'ellipse',
  'skeleton',
  'mask',
  'sam',
  'wand',
  'scissors',
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
    case 'skeleton':
      return createSkeletonTool(editor)
    case 'mask':
    case 'eraser':
      return createMaskTool(id, editor)
    case 'sam':
      return createSamTool(editor)
    case 'wand':
      return createWandTool(editor)
    case 'scissors':
      return createScissorsTool(editor)
  }
}
