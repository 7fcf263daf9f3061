import type { EditorController } from '../../controller'
import { ScissorsTool } from './ScissorsTool'
import { Idle, Tracing } from './states'

export { ScissorsTool }

/** Intelligent scissors (I): click around an object; the outline snaps to its edges. */
export function createScissorsTool(editor: EditorController): ScissorsTool {
  return new ScissorsTool('scissors', editor, [Idle, Tracing])
}
