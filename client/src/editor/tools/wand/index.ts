import type { EditorController } from '../../controller'
import { Idle, Selected } from './states'
import { WandTool } from './WandTool'

export { WandTool }

/** Magic wand (W): click to flood-fill similar colours; Enter keeps it as a mask or polygon. */
export function createWandTool(editor: EditorController): WandTool {
  return new WandTool('wand', editor, [Idle, Selected])
}
