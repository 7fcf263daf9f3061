import { mkdirSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { adjustColor, parseAdjustments } from '../client/src/canvas/image-adjust'
import type { ImageAdjustments } from '../client/src/canvas/image-adjust'
import { createProject, shareLink, uploadImages } from './api'
import { SLOW, imageReady, openJob, pixelAt, toPage } from './editor'
import { startE2E } from './harness'
import type { E2E } from './harness'

/** Image points of the generated scene (e2e/api.ts scenePng): a blue block and the sky. */
const BLUE = [425, 364] as const
const SKY = [100, 50] as const

async function pixelOfImage(page: Page, [x, y]: readonly [number, number]) {
  const [px, py] = await toPage(page, x, y)
  return pixelAt(page, px, py)
}

function expected(before: number[], adjustments: ImageAdjustments): number[] {
  const rgb = before.map((v) => v / 255) as [number, number, number]
  return adjustColor(rgb, adjustments).map((v) => Math.round(v * 255))
}

function expectClose(actual: number[], wanted: number[], tolerance = 4) {
  const off = actual.map((v, i) => Math.abs(v - wanted[i]!))
  expect(
    Math.max(...off),
    `${JSON.stringify(actual)} vs ${JSON.stringify(wanted)}`,
  ).toBeLessThanOrEqual(tolerance)
}

describe('image adjustments', () => {
  let e2e: E2E

  beforeAll(async () => {
    e2e = await startE2E()
  })
  afterAll(() => e2e?.close())

  it('brightness, contrast, saturation and gamma change the picture on screen only, stay after a reload, and reset', async () => {
    const project = await createProject(e2e, 'Adjust')
    const [image] = await uploadImages(e2e, project.id, project.token, ['street.png'])
    const token = await shareLink(e2e, project.id, project.token, 'annotator')
    const { page } = await openJob(e2e, {
      token,
      projectId: project.id,
      jobId: image!.jobId,
      name: 'Vi',
    })
    const blue = await pixelOfImage(page, BLUE)
    const sky = await pixelOfImage(page, SKY)
    expectClose(blue, [40, 70, 150], 2)

    const button = page.getByRole('button', { name: 'Image adjustments' })
    await button.click()
    const panel = page.getByRole('group', { name: 'Image adjustments' })
    const settings = { brightness: 1.5, contrast: 1.3, saturation: 0.4, gamma: 1.6 }
    for (const [name, value] of Object.entries(settings)) {
      await panel
        .getByRole('slider', { name: name[0]!.toUpperCase() + name.slice(1) })
        .fill(String(value))
    }
    await expect.poll(() => button.getAttribute('data-adjusted'), { timeout: SLOW }).toBe('true')
    const adjustments = parseAdjustments(settings)
    /** Waits until the blue block shows as the CPU reference says (within 4 levels). */
    const blueAdjusted = () =>
      expect
        .poll(
          async () => {
            const now = await pixelOfImage(page, BLUE)
            return Math.max(...now.map((v, i) => Math.abs(v - expected(blue, adjustments)[i]!)))
          },
          { timeout: SLOW },
        )
        .toBeLessThanOrEqual(4)
    await blueAdjusted()
    expectClose(await pixelOfImage(page, SKY), expected(sky, adjustments))
    mkdirSync('dist/screenshots', { recursive: true })
    await page.screenshot({ path: 'dist/screenshots/image-adjust.png' })

    // Escape closes the panel; the adjustment stays, also after a reload.
    await page.keyboard.press('Escape')
    await panel.waitFor({ state: 'detached' })
    await page.reload()
    await imageReady(page)
    await expect.poll(() => button.getAttribute('data-adjusted'), { timeout: SLOW }).toBe('true')
    await blueAdjusted()

    // Reset gives back the very pixels of the file.
    await button.click()
    await panel.getByRole('button', { name: 'Reset' }).click()
    await expect.poll(() => pixelOfImage(page, BLUE), { timeout: SLOW }).toEqual(blue)
    expect(await pixelOfImage(page, SKY)).toEqual(sky)
    expect(await button.getAttribute('data-adjusted')).toBeNull()
  })
})
