import type { EditorController } from '../../controller'
import { Tool } from '../state-node'
import { Drawing } from './Drawing'
import { Idle } from './Idle'

/** Rectangles and ellipses: both are drawn by dragging out their box. */
export function createBoxTool(id: 'rectangle' | 'ellipse', editor: EditorController): Tool {
  return new Tool(id, editor, [Idle, Drawing])
}
