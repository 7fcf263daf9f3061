import type { EditorController } from '../../controller'
import { Tool } from '../state-node'
import { Idle } from './Idle'
import { Painting } from './Painting'

/** The mask brush (`mask`) and eraser (`eraser`). */
export function createMaskTool(id: 'mask' | 'eraser', editor: EditorController): Tool {
  return new Tool(id, editor, [Idle, Painting])
}
