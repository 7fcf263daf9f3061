import type { EditorController } from '../../controller'
import { Idle } from './Idle'
import { Pressing } from './Pressing'
import { Prompting } from './Prompting'
import { SamTool } from './SamTool'

export { SamTool }

/** Segment Anything (S): click, Alt/right click, or drag a box; Enter accepts. */
export function createSamTool(editor: EditorController): SamTool {
  return new SamTool('sam', editor, [Idle, Pressing, Prompting])
}
