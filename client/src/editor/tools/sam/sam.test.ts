import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { MaskShape } from '@loupe/sam'
import {
  SamClientError,
  type DecodeRequest,
  type DecodeResult,
  type LoadResult,
} from '../../../../../worker/src/sam-client'
import { SamService, setSamService, type SamClientLike } from '../../../sam/sam-service'
import { click, drag, key, pointer, setupEditor } from '../../__fixtures__/editor'

/** A 20 × 20 square at (10, 20), as the worker returns masks (box + RLE over the box). */
function square(x = 10, y = 20, size = 20): MaskShape {
  return {
    box: { x1: x, y1: y, x2: x + size, y2: y + size },
    rle: { size: [size, size], counts: [0, size * size] },
    area: size * size,
  }
}

/** The worker's side, as far as the tools can tell: records requests, answers at once. */
class FakeSamClient implements SamClientLike {
  decodes: DecodeRequest[] = []
  encodes: string[] = []
  supersede = false
  load = () =>
    Promise.resolve({
      family: 'sam',
      backend: 'wasm',
      threads: 1,
      box: true,
      encoder: { name: 'e.onnx', sha256: 'e', bytes: 1, fromCache: false, cacheKey: 'e' },
      decoder: { name: 'd.onnx', sha256: 'd', bytes: 1, fromCache: false, cacheKey: 'd' },
      ms: 1,
    } satisfies LoadResult)
  encode = (image: { key: string }) => {
    this.encodes.push(image.key)
    return Promise.resolve({ imageKey: image.key, cached: false, ms: 1 })
  }
  precompute = () => Promise.resolve({ encoded: 0, cached: 0 })
  decode = (request: DecodeRequest): Promise<DecodeResult> => {
    this.decodes.push(request)
    if (this.supersede) return Promise.reject(new SamClientError('superseded', 'superseded'))
    const outlined = (index: number) =>
      request.output?.polygon !== undefined &&
      ((request.output.polygonsOf ?? request.output.candidates) === 'all' || index === 1)
    return Promise.resolve({
      candidates: [0, 1, 2].map((index) => ({
        index,
        score: [0.5, 0.9, 0.7][index]!,
        mask: square(10, 20, 20 + index * 10),
        ...(outlined(index)
          ? { polygons: [[10, 20, 30 + index * 10, 20, 30 + index * 10, 40, 10, 40]] }
          : {}),
      })),
      best: 1,
      ms: { model: 1, post: 1 },
    })
  }
  magicWand = () => Promise.resolve(square(100, 100, 30))
  scissors = () => Promise.resolve({ path: null })
  clearCache = () => Promise.resolve({ cleared: true as const })
}

const flush = async () => {
  for (let i = 0; i < 10; i++) await new Promise((resolve) => setTimeout(resolve, 0))
}

describe('SAM and magic wand tools', () => {
  let client: FakeSamClient
  let service: SamService

  beforeEach(async () => {
    client = new FakeSamClient()
    service = new SamService(client, null)
    service.setImageLoader(() => Promise.resolve(new Blob([])))
    setSamService(service)
    await service.load({ url: 'e.onnx' }, { url: 'd.onnx' })
  })
  afterEach(() => setSamService(null))

  it('S, a click previews the best candidate on the overlay; Enter writes a polygon (source sam)', async () => {
    const { editor, job, canvas } = setupEditor()
    editor.keyDown(key('s'))
    expect(editor.toolId).toBe('sam')
    click(editor, 15, 25)
    await flush()
    // The image is encoded first (once), then the prompt decoded.
    expect(client.encodes).toEqual(['a'.repeat(64)])
    expect(client.decodes.at(-1)).toMatchObject({
      imageKey: 'a'.repeat(64),
      points: [{ x: 15, y: 25, positive: true }],
      output: { candidates: 'all', polygon: { tolerance: 1.5 }, polygonsOf: 'best' },
    })
    expect(canvas.overlay.preview).toMatchObject({ type: 'mask', points: [10, 20, 40, 50] })
    expect(service.suggestion).toMatchObject({ scores: [0.5, 0.9, 0.7], chosen: 1 })
    expect(job.listShapes()).toHaveLength(0)
    editor.keyDown(key('Enter'))
    await flush()
    expect(job.listShapes('img1')).toMatchObject([
      { type: 'polygon', source: 'sam', labelId: 'car', points: [10, 20, 40, 20, 40, 40, 10, 40] },
    ])
    expect(canvas.overlay.preview).toBeNull()
    expect(service.suggestion).toBeNull()
  })

  it('Alt+click and right click are negative points; a drag is a box; C picks another candidate', async () => {
    const { editor, job, canvas } = setupEditor()
    editor.setTool('sam')
    click(editor, 15, 25)
    click(editor, 50, 60, { altKey: true })
    click(editor, 70, 80, { button: 2 })
    drag(editor, [5, 5], [200, 150])
    await flush()
    expect(client.decodes.at(-1)).toMatchObject({
      points: [
        { x: 15, y: 25, positive: true },
        { x: 50, y: 60, positive: false },
        { x: 70, y: 80, positive: false },
      ],
      box: { x1: 5, y1: 5, x2: 200, y2: 150 },
    })
    editor.keyDown(key('c'))
    expect(service.suggestion?.chosen).toBe(2)
    expect(canvas.overlay.preview?.points).toEqual([10, 20, 50, 60])
    // Backspace drops the last point; Esc drops the prompt without writing anything.
    editor.keyDown(key('Backspace'))
    await flush()
    expect(client.decodes.at(-1)?.points).toHaveLength(2)
    editor.keyDown(key('Escape'))
    expect(canvas.overlay.preview).toBeNull()
    expect(editor.currentTool.state).toBe('idle')
    expect(job.listShapes()).toHaveLength(0)
  })

  it('draws the prompt on the overlay (clicks and box), never on the annotation layer', async () => {
    const { editor, canvas } = setupEditor()
    editor.setTool('sam')
    const layerCalls = () => canvas.setShapeCalls + canvas.updateShapeCalls
    const before = layerCalls()
    click(editor, 15, 25)
    expect(canvas.overlay.prompts).toEqual({
      points: [{ x: 15, y: 25, positive: true }],
      box: null,
    })
    click(editor, 50, 60, { altKey: true })
    // While a box is dragged it shows as the box prompt, the clicks with it.
    editor.pointerDown(pointer(5, 5))
    editor.pointerMove(pointer(100, 80))
    expect(canvas.overlay.prompts).toEqual({
      points: [
        { x: 15, y: 25, positive: true },
        { x: 50, y: 60, positive: false },
      ],
      box: { x1: 5, y1: 5, x2: 100, y2: 80 },
    })
    editor.pointerMove(pointer(200, 150))
    editor.pointerUp(pointer(200, 150))
    await flush()
    expect(canvas.overlay.prompts?.box).toEqual({ x1: 5, y1: 5, x2: 200, y2: 150 })
    // The mask preview and the marks are both on the overlay.
    expect(canvas.overlay.preview).toMatchObject({ type: 'mask' })
    editor.keyDown(key('Backspace'))
    expect(canvas.overlay.prompts?.points).toEqual([{ x: 15, y: 25, positive: true }])
    expect(layerCalls()).toBe(before)
    // Accepting the mask clears the marks (the shape goes to the annotation layer).
    editor.keyDown(key('Enter'))
    await flush()
    expect(canvas.overlay.prompts).toBeNull()
    expect(layerCalls()).toBeGreaterThan(before)
  })

  it('clears the prompt marks on Esc, on Esc mid-drag (the dragged box only), on a tool or image change', async () => {
    const { editor, canvas } = setupEditor()
    editor.setTool('sam')
    click(editor, 15, 25)
    editor.pointerDown(pointer(5, 5))
    editor.pointerMove(pointer(100, 80))
    editor.keyDown(key('Escape'))
    expect(canvas.overlay.prompts).toEqual({
      points: [{ x: 15, y: 25, positive: true }],
      box: null,
    })
    editor.keyDown(key('Escape'))
    expect(canvas.overlay.prompts).toBeNull()
    await flush()
    click(editor, 70, 80, { button: 2 })
    expect(canvas.overlay.prompts?.points).toEqual([{ x: 70, y: 80, positive: false }])
    editor.setTool('rectangle')
    expect(canvas.overlay.prompts).toBeNull()
    editor.setTool('sam')
    click(editor, 20, 30)
    expect(canvas.overlay.prompts).not.toBeNull()
    editor.setImage('img2')
    expect(canvas.overlay.prompts).toBeNull()
  })

  it('outlines only the best candidate per click; keeping another one traces its outline then', async () => {
    const { editor, job } = setupEditor()
    editor.setTool('sam')
    click(editor, 15, 25)
    await flush()
    expect(client.decodes).toHaveLength(1)
    editor.keyDown(key('c')) // candidate 2: no outline yet
    editor.keyDown(key('Enter'))
    await flush()
    expect(client.decodes).toHaveLength(2)
    expect(client.decodes.at(-1)?.output).toMatchObject({ candidates: 'all', polygonsOf: 'all' })
    expect(job.listShapes('img1')).toMatchObject([
      { type: 'polygon', source: 'sam', points: [10, 20, 50, 20, 50, 40, 10, 40] },
    ])
    // the best candidate's outline came with the click: no second decode
    click(editor, 15, 25)
    await flush()
    editor.keyDown(key('Enter'))
    await flush()
    expect(client.decodes).toHaveLength(3)
  })

  it('keeps a mask shape when the user chose masks', async () => {
    const { editor, job } = setupEditor()
    service.setSettings({ output: 'mask' })
    editor.setTool('sam')
    click(editor, 15, 25)
    await flush()
    editor.keyDown(key('Enter'))
    await flush()
    expect(job.listShapes('img1')).toMatchObject([
      { type: 'mask', source: 'sam', points: [10, 20, 40, 50], mask: { size: [30, 30] } },
    ])
  })

  it('hover previews live; a superseded hover decode is dropped quietly', async () => {
    const { editor, canvas } = setupEditor()
    editor.setTool('sam')
    // The first move starts the embedding (in the app, opening the image does); then it previews.
    editor.pointerMove(pointer(15, 25))
    await flush()
    expect(client.decodes).toHaveLength(0)
    editor.pointerMove(pointer(15, 25))
    await flush()
    expect(client.decodes.at(-1)).toMatchObject({ output: { candidates: 'best' } })
    expect(canvas.overlay.preview).toMatchObject({ type: 'mask' })
    client.supersede = true
    editor.pointerMove(pointer(16, 25))
    await flush()
    expect(editor.error).toBeNull()
  })

  it('magic wand (W): a click previews the fill, Enter writes it as a polygon (source sam)', async () => {
    const { editor, job, canvas } = setupEditor()
    editor.keyDown(key('w'))
    expect(editor.toolId).toBe('wand')
    click(editor, 110, 110)
    await flush()
    expect(canvas.overlay.preview).toMatchObject({ type: 'mask', points: [100, 100, 130, 130] })
    editor.keyDown(key('Enter'))
    const [shape] = job.listShapes('img1')
    // DESIGN §2 has no wand value: an assisted outline is `sam` (CVAT's semi-auto), not manual.
    expect(shape).toMatchObject({ type: 'polygon', source: 'sam' })
    const xs = shape!.points.filter((_, i) => i % 2 === 0)
    expect([Math.min(...xs), Math.max(...xs)]).toEqual([100, 130])
  })

  it('magic wand as a mask shape has source sam too', async () => {
    const { editor, job } = setupEditor()
    service.setSettings({ output: 'mask' })
    editor.setTool('wand')
    click(editor, 110, 110)
    await flush()
    editor.keyDown(key('Enter'))
    expect(job.listShapes('img1')).toMatchObject([
      { type: 'mask', source: 'sam', points: [100, 100, 130, 130] },
    ])
  })

  it('intelligent scissors (I): anchors around an object, Enter closes a polygon (source sam)', async () => {
    const { editor, job, canvas } = setupEditor()
    editor.keyDown(key('i'))
    expect(editor.toolId).toBe('scissors')
    click(editor, 100, 100)
    click(editor, 200, 100)
    click(editor, 200, 180)
    await flush()
    expect(canvas.overlay.preview).toMatchObject({ type: 'polyline' })
    editor.keyDown(key('Enter'))
    await flush()
    const [shape] = job.listShapes('img1')
    expect(shape).toMatchObject({ type: 'polygon', source: 'sam', labelId: 'car' })
    expect(shape!.points).toEqual([100, 100, 200, 100, 200, 180])
    expect(canvas.overlay.preview).toBeNull()
  })
})
