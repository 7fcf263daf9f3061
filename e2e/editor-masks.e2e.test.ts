import { mkdirSync } from 'node:fs'
import type * as Y from 'yjs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { createProject, shareLink, uploadImages } from './api'
import { SLOW, drag, near, objects, openJob, pending, pixelAt, toPage } from './editor'
import { startE2E } from './harness'
import type { E2E } from './harness'

const OUT = 'dist/screenshots'

interface StoredMask {
  type: string
  points: number[]
  mask?: { size: [number, number]; counts: number[] }
}

function tool(page: Page, name: string) {
  return page.getByRole('toolbar', { name: 'Tools' }).getByRole('button', { name, exact: true })
}

/** Sum of channel differences between two colours. */
function diff(a: number[], b: number[]): number {
  return a.reduce((sum, v, i) => sum + Math.abs(v - b[i]!), 0)
}

describe('resizing a mask', () => {
  let e2e: E2E

  beforeAll(async () => {
    e2e = await startE2E()
    mkdirSync(OUT, { recursive: true })
  })
  afterAll(() => e2e?.close())

  it('a corner handle stretches the mask: its pixels preview on the way, points and RLE are stored', async () => {
    const project = await createProject(e2e, 'Masks')
    const [image] = await uploadImages(e2e, project.id, project.token, ['street.png'])
    const token = await shareLink(e2e, project.id, project.token, 'annotator')
    const { page } = await openJob(e2e, {
      token,
      projectId: project.id,
      jobId: image!.jobId,
      name: 'Mo',
    })
    const room = `job/${project.id}/${image!.jobId}`
    const stored = () =>
      e2e.server.relay.read(
        room,
        (doc: Y.Doc) => Object.values(doc.getMap('shapes').toJSON()) as StoredMask[],
      )

    // A brush stroke (a fat diagonal line) makes a mask, selected; V shows its handles.
    await page.keyboard.press('m')
    await drag(page, [200, 200], [300, 260])
    await expect.poll(() => objects(page).count(), { timeout: SLOW }).toBe(1)
    await page.keyboard.press('v')
    expect(await tool(page, 'Select').getAttribute('aria-pressed')).toBe('true')
    await expect.poll(() => pending(page), { timeout: SLOW }).toBe('0')
    const [before] = await stored()
    expect(before?.type).toBe('mask')
    const [x1, y1, x2, y2] = before!.points as [number, number, number, number]

    // Where the stroke's end lands once the box grows by (80, 60), and an empty corner.
    const [nx2, ny2] = [x2 + 80, y2 + 60]
    const scaled = (x: number, y: number): [number, number] => [
      x1 + ((x - x1) * (nx2 - x1)) / (x2 - x1),
      y1 + ((y - y1) * (ny2 - y1)) / (y2 - y1),
    ]
    const strokeEnd = await toPage(page, ...scaled(298, 258))
    const emptyCorner = await toPage(page, nx2 - 8, y1 + 8)
    const imageAtEnd = await pixelAt(page, ...strokeEnd)
    const imageAtCorner = await pixelAt(page, ...emptyCorner)

    // Drag the bottom-right handle and hold: the overlay shows the stretched pixels.
    await drag(page, [x2, y2], [nx2, ny2], { release: false })
    await page.waitForTimeout(300)
    await page.screenshot({ path: `${OUT}/mask-resizing.png` })
    expect(diff(await pixelAt(page, ...strokeEnd), imageAtEnd)).toBeGreaterThan(60)
    // Not a filled box: the corner the stroke never reached still shows the image.
    expect(diff(await pixelAt(page, ...emptyCorner), imageAtCorner)).toBeLessThan(24)
    await page.mouse.up()

    await expect
      .poll(async () => (await stored())[0]?.points, { timeout: SLOW })
      .not.toEqual(before!.points)
    await expect.poll(() => pending(page), { timeout: SLOW }).toBe('0')
    const [after] = await stored()
    expect(near(after!.points, [x1, y1, nx2, ny2], 3), JSON.stringify(after!.points)).toBe(true)
    const [ax1, ay1, ax2, ay2] = after!.points as [number, number, number, number]
    expect(after!.mask!.size).toEqual([ay2 - ay1, ax2 - ax1])
    expect(after!.mask!.counts.reduce((a, b) => a + b, 0)).toBe((ay2 - ay1) * (ax2 - ax1))
    await page.mouse.move(5, 5)
    await page.screenshot({ path: `${OUT}/mask-resized.png` })

    // Undo puts the old pixels back.
    await page.keyboard.press('Control+z')
    await expect
      .poll(async () => (await stored())[0]?.points, { timeout: SLOW })
      .toEqual(before!.points)
  })
})
