import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { CAR, PERSON, createProject, seedBoxes, shareLink, uploadImages } from './api'
import { SLOW, drag, imageReady, objects, openJob, pending, toPage } from './editor'
import { startE2E } from './harness'
import type { E2E } from './harness'

// The timeline marks the app leaves when it opens a job (client/src/editor/opening-marks.ts).
const FIRST_SHAPES = 'loupe:first-shapes-frame'
const LOADED = 'loupe:job-document-loaded'
const DOCUMENT_FRAME = 'loupe:document-shapes-frame'

interface Recorded {
  name: string
  time: number
  source?: string
  shapes?: number
}

declare global {
  interface Window {
    openingEvents?: Recorded[]
    /** The canvas as the first frame with shapes drew it (read inside that frame's task). */
    firstShapesFrame?: HTMLCanvasElement
  }
}

/** Records the opening marks of every page load, and copies the first frame with shapes. */
function recordOpening(names: string[]) {
  window.openingEvents = []
  for (const name of names) {
    window.addEventListener(name, (event) => {
      const detail = (event as CustomEvent<Recorded & { canvas?: HTMLCanvasElement }>).detail
      window.openingEvents!.push({
        name,
        time: performance.now(),
        source: detail.source,
        shapes: detail.shapes,
      })
      if (name === names[0] && detail.canvas && !window.firstShapesFrame) {
        const copy = document.createElement('canvas')
        copy.width = detail.canvas.width
        copy.height = detail.canvas.height
        copy.getContext('2d')!.drawImage(detail.canvas, 0, 0)
        window.firstShapesFrame = copy
      }
    })
  }
}

/** [r, g, b] of the copied first frame at an image pixel. */
async function firstFramePixel(page: Page, x: number, y: number): Promise<number[]> {
  const box = (await page.getByTestId('editor-canvas').boundingBox())!
  const [px, py] = await toPage(page, x, y)
  return page.evaluate(
    ({ cx, cy }) => {
      const canvas = window.firstShapesFrame!
      const ratio = window.devicePixelRatio
      const data = canvas
        .getContext('2d')!
        .getImageData(Math.round(cx * ratio), Math.round(cy * ratio), 1, 1).data
      return [data[0]!, data[1]!, data[2]!]
    },
    { cx: px - box.x, cy: py - box.y },
  )
}

const rgb = (hex: string) => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16))

/** `over` with a shape's fill (its label colour at 22 %, canvas/shape-mesh.ts) on top. */
const filled = (over: number[], color: string) =>
  over.map((v, i) => v * 0.78 + rgb(color)[i]! * 0.22)

/** The IDs in the stored shape preview of an image (sync/shape-snapshot.ts). */
function previewIds(page: Page, room: string, imageId: string): Promise<string[]> {
  return page.evaluate(
    async ({ name, key }) => {
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const req = indexedDB.open(name)
        req.onsuccess = () => resolve(req.result)
        req.onerror = () => reject(req.error)
      })
      try {
        const value = await new Promise<{ ids?: string[] } | undefined>((resolve, reject) => {
          const req = db.transaction('custom').objectStore('custom').get(key)
          req.onsuccess = () => resolve(req.result as { ids?: string[] } | undefined)
          req.onerror = () => reject(req.error)
        })
        return value?.ids ?? []
      } finally {
        db.close()
      }
    },
    { name: `loupe:${room}`, key: `shapes/${imageId}` },
  )
}

describe('first paint of a job', () => {
  let e2e: E2E

  beforeAll(async () => {
    e2e = await startE2E()
  })
  afterAll(() => e2e?.close())

  it('a reload offline paints the stored shapes before the job document is loaded, then edits work', async () => {
    const project = await createProject(e2e, 'First paint')
    const [image] = await uploadImages(e2e, project.id, project.token, ['street-01.png'])
    // Two big boxes in the sky (a smooth vertical gradient): a car and a person.
    const ids = await seedBoxes(e2e, project, image!, [
      { labelId: project.car.id, points: [60, 40, 260, 200] },
      { labelId: project.person.id, points: [340, 40, 540, 200] },
    ])
    const token = await shareLink(e2e, project.id, project.token, 'annotator')
    const { context, page } = await openJob(e2e, {
      token,
      projectId: project.id,
      jobId: image!.jobId,
      name: 'Ana',
    })
    await expect.poll(() => objects(page).count(), { timeout: SLOW }).toBe(2)
    await page.evaluate(async () => {
      await navigator.serviceWorker.ready
    })
    // The preview is written when the page is idle after the document loaded.
    const room = `job/${project.id}/${image!.jobId}`
    await expect
      .poll(async () => (await previewIds(page, room, image!.id)).sort(), { timeout: SLOW })
      .toEqual([...ids].sort())

    await context.setOffline(true)
    await context.addInitScript(recordOpening, [FIRST_SHAPES, LOADED, DOCUMENT_FRAME])
    await page.reload()
    await imageReady(page)
    await expect
      .poll(() => page.evaluate(() => window.openingEvents?.length ?? 0), { timeout: SLOW })
      .toBeGreaterThanOrEqual(3)

    // The first frame with shapes drew the preview, before the document was loaded.
    const events = await page.evaluate(() => window.openingEvents!)
    const first = events.find((e) => e.name === FIRST_SHAPES)
    const loaded = events.find((e) => e.name === LOADED)
    expect(first, JSON.stringify(events)).toMatchObject({ source: 'preview', shapes: 2 })
    expect(first!.time, JSON.stringify(events)).toBeLessThan(loaded!.time)
    // ... and it shows the shapes in their labels' colours: a pixel inside each box is the pixel
    // just outside it at the same height (the sky, or the background if the image was not
    // drawn yet) under the label's fill.
    const outsideCar = await firstFramePixel(page, 40, 120)
    const insideCar = await firstFramePixel(page, 160, 120)
    const outsidePerson = await firstFramePixel(page, 300, 120)
    const insidePerson = await firstFramePixel(page, 440, 120)
    const near = (a: number[], b: number[]) => a.every((v, i) => Math.abs(v - b[i]!) <= 12)
    expect(insideCar, `car ${insideCar} over ${outsideCar}`).toSatisfy((p: number[]) =>
      near(p, filled(outsideCar, CAR.color)),
    )
    expect(insidePerson, `person ${insidePerson} over ${outsidePerson}`).toSatisfy((p: number[]) =>
      near(p, filled(outsidePerson, PERSON.color)),
    )
    expect(insideCar).not.toEqual(outsideCar)

    // Once loaded: the live document is drawn, and editing works (offline, as usual).
    expect(events.some((e) => e.name === DOCUMENT_FRAME && e.source === 'document')).toBe(true)
    expect(await page.getByTestId('editor-canvas').getAttribute('data-shapes')).toBe('document')
    await expect.poll(() => objects(page).count(), { timeout: SLOW }).toBe(2)
    await page.keyboard.press('r')
    await drag(page, [100, 300], [220, 420])
    await expect.poll(() => objects(page).count(), { timeout: SLOW }).toBe(3)
    await expect.poll(async () => Number(await pending(page)), { timeout: SLOW }).toBeGreaterThan(0)
  })
})
