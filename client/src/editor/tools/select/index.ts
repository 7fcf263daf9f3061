import type { EditorController } from '../../controller'
import { Tool } from '../state-node'
import { Idle } from './Idle'
import { Resizing } from './Resizing'
import { Rotating } from './Rotating'
import { Translating } from './Translating'
import { VertexEditing } from './VertexEditing'

export function createSelectTool(editor: EditorController): Tool {
  return new Tool('select', editor, [Idle, Translating, Resizing, Rotating, VertexEditing])
}
