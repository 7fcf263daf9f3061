import type { EditorController } from '../../controller'
import { Tool } from '../state-node'
import { Idle } from './Idle'
import { Placing } from './Placing'

/** Skeletons (keypoints): the label's nodes placed one click each, in the label's order. */
export function createSkeletonTool(editor: EditorController): Tool {
  return new Tool('skeleton', editor, [Idle, Placing])
}
