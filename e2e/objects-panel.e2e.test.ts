import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { createProject, seedBoxes, shareLink, uploadImages } from './api'
import { SLOW, objects, openJob, toPage } from './editor'
import { startE2E } from './harness'
import type { E2E } from './harness'

// A grid of small boxes that do not overlap: 40 columns × 25 rows over the 640 × 480 image.
const COLUMNS = 40
const ROWS = 25
const CELL = { w: 16, h: 19 }
const boxAt = (i: number): [number, number, number, number] => {
  const x = (i % COLUMNS) * CELL.w + 2
  const y = Math.floor(i / COLUMNS) * CELL.h + 2
  return [x, y, x + 12, y + 14]
}

/** Whether the row of a shape is rendered and inside the Objects panel's visible area. */
async function rowInView(page: Page, shapeId: string): Promise<boolean> {
  return page.evaluate((id) => {
    const row = document.querySelector(`[data-shape-id="${id}"]`)
    const list = row?.closest('.ed-objects')
    if (!row || !list) return false
    const r = row.getBoundingClientRect()
    const l = list.getBoundingClientRect()
    return r.top >= l.top - 1 && r.bottom <= l.bottom + 1
  }, shapeId)
}

describe('the Objects panel of a big image', () => {
  let e2e: E2E

  beforeAll(async () => {
    e2e = await startE2E()
  })
  afterAll(() => e2e?.close())

  it('lists 1,000 shapes with a few dozen rows, scrolls to any of them, and follows the selection', async () => {
    const project = await createProject(e2e, 'Many objects')
    const [image] = await uploadImages(e2e, project.id, project.token, ['crowd.png'])
    const count = COLUMNS * ROWS
    const ids = await seedBoxes(
      e2e,
      project,
      image!,
      Array.from({ length: count }, (_, i) => ({ labelId: project.car.id, points: boxAt(i) })),
    )
    const token = await shareLink(e2e, project.id, project.token, 'annotator')
    const { page } = await openJob(e2e, {
      token,
      projectId: project.id,
      jobId: image!.jobId,
      name: 'Ana',
    })
    const panel = page.getByRole('region', { name: 'Objects' })
    await expect
      .poll(() => panel.locator('.ed-count').textContent(), { timeout: SLOW })
      .toBe(String(count))

    // Only the rows in view (and a few either side) exist; the list is as tall as all of them.
    const rendered = await objects(page).count()
    expect(rendered).toBeGreaterThan(5)
    expect(rendered).toBeLessThan(60)
    const list = page.getByTestId('objects-panel')
    const height = await list.evaluate((el) => el.getBoundingClientRect().height)
    expect(height).toBeGreaterThanOrEqual(count * 28 - 1)
    // Top first: the top row is the last shape added (number 1,000), the first one is at the end.
    expect(await objects(page).first().textContent()).toContain(`${count}. Box`)
    expect(await rowInView(page, ids[0]!)).toBe(false)

    // Scrolled to the end: the bottom shape's row is there.
    await page.locator('.ed-objects').evaluate((el) => (el.scrollTop = el.scrollHeight))
    await expect.poll(() => rowInView(page, ids[0]!), { timeout: SLOW }).toBe(true)
    expect(await page.locator(`[data-shape-id="${ids[0]}"]`).textContent()).toContain('1. Box')
    expect(await objects(page).count()).toBeLessThan(60)

    // Back to the top, then select a shape in the middle on the canvas: its row comes into view.
    await page.locator('.ed-objects').evaluate((el) => (el.scrollTop = 0))
    const middle = 12 * COLUMNS + 20
    expect(await rowInView(page, ids[middle]!)).toBe(false)
    const [x1, y1, x2, y2] = boxAt(middle)
    const [px, py] = await toPage(page, (x1 + x2) / 2, (y1 + y2) / 2)
    await page.mouse.click(px, py)
    await expect.poll(() => rowInView(page, ids[middle]!), { timeout: SLOW }).toBe(true)
    const row = page.locator(`[data-shape-id="${ids[middle]}"]`)
    expect(await row.getByRole('button', { pressed: true }).count()).toBe(1)
    expect(await row.textContent()).toContain(`${middle + 1}. Box`)
  })
})
