import type { ImageRecord } from '@loupe/model'
import type { MaskShape, Point } from '@loupe/sam'
import { describeSamError, isSuperseded } from '../../../sam/errors'
import { samService, type SamService } from '../../../sam/sam-service'
import { Tool } from '../state-node'
import { ASSISTED_SOURCE, writeSmartShape } from '../sam/write'

/**
 * Magic wand: a flood fill from the clicked pixel (colour tolerance in the tool options), run in
 * the SAM worker; no model needed. The result previews as a mask until Enter keeps it.
 */
export class WandTool extends Tool {
  seed: Point | null = null
  result: MaskShape | null = null
  private seq = 0
  private unsubscribe: (() => void) | null = null
  private tolerance = -1

  get service(): SamService {
    return samService()
  }

  async fill(image: ImageRecord, seed: Point): Promise<void> {
    this.seed = seed
    const seq = ++this.seq
    this.tolerance = this.service.settings.wandTolerance
    this.watchSettings()
    try {
      const mask = await this.service.magicWand(image, seed)
      if (seq !== this.seq || this.editor.image !== image) return
      this.result = mask
      if (!mask) {
        this.editor.setPreview(null)
        return
      }
      const id = this.editor.activeLabelId
      this.editor.setPreview({
        type: 'mask',
        points: [mask.box.x1, mask.box.y1, mask.box.x2, mask.box.y2],
        mask: { size: mask.rle.size, counts: mask.rle.counts },
        color: (id && this.editor.project.getLabel(id)?.color) || '#3380ff',
      })
    } catch (error) {
      if (isSuperseded(error) || seq !== this.seq) return
      const { title, message } = describeSamError(error)
      this.editor.showError(`${title}: ${message}`)
    }
  }

  keep(): boolean {
    const mask = this.result
    if (!mask) return false
    const { output, tolerance } = this.service.settings
    this.clear()
    this.transition('idle')
    writeSmartShape(this.editor, { mask }, output, ASSISTED_SOURCE, tolerance)
    return true
  }

  clear(): void {
    this.seq++
    this.seed = null
    this.result = null
    this.unsubscribe?.()
    this.unsubscribe = null
    this.editor.setPreview(null)
  }

  override reset(): void {
    this.clear()
    super.reset()
  }

  /** A new tolerance fills again from the same seed. */
  private watchSettings(): void {
    if (this.unsubscribe) return
    this.unsubscribe = this.service.subscribe(() => {
      const image = this.editor.image
      if (!this.seed || !image || this.service.settings.wandTolerance === this.tolerance) return
      void this.fill(image, this.seed)
    })
  }
}
