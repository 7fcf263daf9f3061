import type { ImageRecord } from '@loupe/model'
import type { Box, PromptPoint } from '@loupe/sam'
import type { DecodeResult } from '../../../../../worker/src/sam-client'
import { describeSamError, isSuperseded } from '../../../sam/errors'
import { samService, type SamService } from '../../../sam/sam-service'
import { Tool } from '../state-node'
import { writeSmartShape, type SmartResult } from './write'

/**
 * Segment Anything: the prompt (points, an optional box) and the last decode, shared by the
 * tool's states. Decodes are coalesced in the worker; a superseded one is simply dropped.
 */
export class SamTool extends Tool {
  #points: PromptPoint[] = []
  #box: Box | null = null
  result: DecodeResult | null = null
  chosen = 0
  private resultTolerance = 0
  private seq = 0

  get service(): SamService {
    return samService()
  }

  /** The prompt's clicks (image px); a new list is drawn on the overlay at once. */
  get points(): readonly PromptPoint[] {
    return this.#points
  }
  set points(points: readonly PromptPoint[]) {
    this.#points = [...points]
    this.showPrompt()
  }

  /** The box prompt (image px); drawn on the overlay at once. */
  get box(): Box | null {
    return this.#box
  }
  set box(box: Box | null) {
    this.#box = box
    this.showPrompt()
  }

  get hasPrompt(): boolean {
    return this.#points.length > 0 || this.#box !== null
  }

  /**
   * Draws the prompt on the overlay (green + clicks, red − clicks, the box), or `dragging`, a
   * box being drawn, in place of the box; nothing when there is no prompt.
   */
  showPrompt(dragging?: Box): void {
    const box = dragging ?? this.#box
    const points = this.#points
    this.editor.setPromptMarks(points.length > 0 || box ? { points, box } : null)
  }

  /** The model and this image's embedding: ready now (true), else started in the background. */
  readyFor(image: ImageRecord): boolean {
    const service = this.service
    if (service.ready && service.embeddings.get(image.sha256) === 'ready') return true
    void service.encode(image)
    return false
  }

  /** Live preview of the mask under the pointer (no prompt yet). */
  hover(x: number, y: number): void {
    const image = this.editor.image
    if (!image || !this.inside(image, x, y) || !this.readyFor(image)) return
    const seq = ++this.seq
    this.service
      .decode({
        imageKey: image.sha256,
        points: [{ x, y, positive: true }],
        output: { mask: true, candidates: 'best' },
      })
      .then(
        (r) => {
          if (seq !== this.seq || this.state !== 'idle' || this.editor.image !== image) return
          this.showMask(r, r.best)
        },
        (error: unknown) => {
          if (!isSuperseded(error) && seq === this.seq) this.showError(error)
        },
      )
  }

  /**
   * Decodes the prompt (every candidate's mask, the outline of `polygonsOf`) and previews the
   * best one.
   */
  async run(polygonsOf: 'best' | 'all' = 'best'): Promise<void> {
    const image = this.editor.image
    if (!image || !this.hasPrompt) return
    const seq = ++this.seq
    if (!this.readyFor(image)) {
      this.editor.showError(this.waitingMessage())
      if (!(await this.service.encode(image)) || seq !== this.seq) return
      this.editor.showError(null)
    }
    const tolerance = this.service.settings.tolerance
    try {
      const r = await this.service.decode({
        imageKey: image.sha256,
        points: [...this.#points],
        ...(this.box ? { box: this.box } : {}),
        output: { mask: true, polygon: { tolerance }, candidates: 'all', polygonsOf },
      })
      if (seq !== this.seq || this.editor.image !== image) return
      this.result = r
      this.resultTolerance = tolerance
      this.choose(r.best)
    } catch (error) {
      if (!isSuperseded(error) && seq === this.seq) this.showError(error)
    }
  }

  /** Shows candidate `index` (the chooser, C). */
  choose(index: number): void {
    const r = this.result
    if (!r || !r.candidates[index]) return
    this.chosen = index
    this.showMask(r, index)
    this.service.setSuggestion({
      scores: r.candidates.map((c) => c.score),
      chosen: index,
      choose: (i) => this.choose(i),
    })
  }

  nextCandidate(): void {
    const r = this.result
    if (!r || r.candidates.length < 2) return
    this.choose((this.chosen + 1) % r.candidates.length)
  }

  /** Enter: writes the chosen candidate as a polygon or a mask (the user's choice). */
  async keep(): Promise<boolean> {
    if (!this.result) return false
    // The outline of a candidate other than the best one, or at another tolerance, is traced now
    // (the decoder gives the same candidates for the same prompt).
    const outline = this.service.settings.output === 'polygon'
    if (
      this.service.settings.tolerance !== this.resultTolerance ||
      (outline && !this.result.candidates[this.chosen]?.polygons)
    ) {
      const chosen = this.chosen
      await this.run('all')
      this.chosen = chosen
    }
    const candidate = this.result?.candidates[this.chosen]
    if (!candidate?.mask) {
      this.editor.showError('This mask is empty: click elsewhere or pick another candidate.')
      return false
    }
    const result: SmartResult = { mask: candidate.mask, polygon: candidate.polygons?.[0] }
    this.clearPrompt()
    this.transition('idle')
    writeSmartShape(this.editor, result, this.service.settings.output, 'sam')
    return true
  }

  clearPrompt(): void {
    this.seq++
    this.#points = []
    this.#box = null
    this.showPrompt()
    this.result = null
    this.chosen = 0
    this.editor.setPreview(null)
    if (this.service.suggestion) this.service.setSuggestion(null)
  }

  override reset(): void {
    this.clearPrompt()
    super.reset()
  }

  private inside(image: ImageRecord, x: number, y: number): boolean {
    return x >= 0 && y >= 0 && x < image.width && y < image.height
  }

  private waitingMessage(): string {
    const s = this.service.status
    if (s.state === 'none' && !this.service.remembered)
      return 'Load a SAM model first (the model button in the toolbar).'
    if (s.state === 'error') return `${s.title}: ${s.message}`
    return 'Segment Anything is getting this image ready…'
  }

  private showMask(r: DecodeResult, index: number): void {
    const mask = r.candidates[index]?.mask
    if (!mask) {
      this.editor.setPreview(null)
      return
    }
    this.editor.setPreview({
      type: 'mask',
      points: [mask.box.x1, mask.box.y1, mask.box.x2, mask.box.y2],
      mask: { size: mask.rle.size, counts: mask.rle.counts },
      color: this.labelColor(),
    })
  }

  private labelColor(): string {
    const id = this.editor.activeLabelId
    return (id && this.editor.project.getLabel(id)?.color) || '#3380ff'
  }

  private showError(error: unknown): void {
    const { title, message } = describeSamError(error)
    this.editor.showError(`${title}: ${message}`)
  }
}
