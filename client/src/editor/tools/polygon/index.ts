import type { EditorController } from '../../controller'
import { Tool } from '../state-node'
import { Drawing, type PointListType } from './Drawing'
import { Idle } from './Idle'

/** Polygons, polylines and point sets: all drawn by clicking their vertices. */
export function createPointListTool(id: PointListType, editor: EditorController): Tool {
  return new Tool(id, editor, [Idle, Drawing])
}
