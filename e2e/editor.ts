// What a person does in the app, as page helpers: say who they are, open a job, drag on the
// canvas in image pixels (the canvas fits the image to the view when it opens).

import type { Locator, Page } from 'playwright-core'
import type { E2E } from './harness'

/** SwiftShader WebGL and Yjs over a socket on 2 cores: waits are generous. */
export const SLOW = 30_000

/** Sets the name others see, in the sync panel of the header. */
export async function setName(page: Page, name: string): Promise<void> {
  await page.getByTestId('sync-indicator').click()
  const input = page.getByLabel('Your name')
  await input.fill(name)
  await page.getByRole('button', { name: 'Save' }).click()
  await page.getByTestId('sync-indicator').click()
  await page.getByRole('dialog', { name: 'Sync details' }).waitFor({ state: 'detached' })
}

/**
 * Opens a share link at the project page, takes a name, clicks "Open" on the job and waits for
 * the image to be on the canvas.
 */
export async function openJob(
  e2e: E2E,
  options: { token: string; projectId: string; jobId: string; name: string },
) {
  const { context, page } = await e2e.user(`/?token=${options.token}#/project/${options.projectId}`)
  await page.getByTestId('jobs-list').waitFor({ timeout: SLOW })
  await setName(page, options.name)
  await page
    .locator(`[data-testid="job-row"][data-job-id="${options.jobId}"]`)
    .getByRole('link', { name: 'Open' })
    .click()
  await imageReady(page)
  return { context, page }
}

/** The editor shows its image (no "Loading …" message over the canvas). */
export async function imageReady(page: Page): Promise<void> {
  await page.getByTestId('editor-canvas').waitFor({ timeout: SLOW })
  await page.locator('.ed-stage-msg').waitFor({ state: 'detached', timeout: SLOW })
}

/** The rows of the Objects panel (one per shape on the current image). */
export function objects(page: Page): Locator {
  return page.getByTestId('objects-panel').locator('li')
}

const IMAGE = { width: 640, height: 480 }
const FIT_PADDING = 16

/** Page coordinates of an image pixel, for an image fitted to the canvas. */
export async function toPage(page: Page, x: number, y: number): Promise<[number, number]> {
  const box = await page.getByTestId('editor-canvas').boundingBox()
  if (!box) throw new Error('the canvas is not visible')
  const scale = Math.min(
    (box.width - 2 * FIT_PADDING) / IMAGE.width,
    (box.height - 2 * FIT_PADDING) / IMAGE.height,
  )
  const tx = (box.width - IMAGE.width * scale) / 2
  const ty = (box.height - IMAGE.height * scale) / 2
  return [box.x + tx + x * scale, box.y + ty + y * scale]
}

/** A primary-button drag between two image points, in small steps like a hand. */
export async function drag(
  page: Page,
  from: [number, number],
  to: [number, number],
  options: { release?: boolean } = {},
): Promise<void> {
  const [fx, fy] = await toPage(page, ...from)
  const [tx, ty] = await toPage(page, ...to)
  await page.mouse.move(fx, fy)
  await page.mouse.down()
  await page.mouse.move(tx, ty, { steps: 8 })
  if (options.release !== false) await page.mouse.up()
}

/** Moves the pointer over an image point (others see the cursor there). */
export async function hover(page: Page, x: number, y: number): Promise<void> {
  const [px, py] = await toPage(page, x, y)
  await page.mouse.move(px, py, { steps: 4 })
}

/** The pending-changes count of the sync indicator. */
export function pending(page: Page): Promise<string | null> {
  return page.getByTestId('sync-indicator').getAttribute('data-pending')
}

/** Box corners as [x1, y1, x2, y2], within `tolerance` image px of `expected`. */
export function near(points: readonly number[], expected: readonly number[], tolerance = 3) {
  return (
    points.length === expected.length &&
    points.every((v, i) => Math.abs(v - expected[i]!) <= tolerance)
  )
}

/**
 * The colour [r, g, b] the page shows at page coordinates (x, y): a screenshot decoded in the
 * page (WebGL canvases cannot be read back once composited).
 */
export async function pixelAt(page: Page, x: number, y: number): Promise<number[]> {
  const png = (await page.screenshot()).toString('base64')
  return page.evaluate(
    async ({ png, x, y }) => {
      const img = new Image()
      img.src = `data:image/png;base64,${png}`
      await img.decode()
      const canvas = document.createElement('canvas')
      canvas.width = img.width
      canvas.height = img.height
      const ctx = canvas.getContext('2d')!
      ctx.drawImage(img, 0, 0)
      return [...ctx.getImageData(Math.round(x), Math.round(y), 1, 1).data.slice(0, 3)]
    },
    { png, x, y },
  )
}
