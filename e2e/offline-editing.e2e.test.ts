import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createProject, serverShapes, shareLink, uploadImages } from './api'
import { SLOW, drag, imageReady, near, objects, openJob, pending } from './editor'
import { startE2E } from './harness'
import type { E2E } from './harness'
import type { Page } from 'playwright-core'

function connection(page: Page): Promise<string | null> {
  return page.getByTestId('sync-indicator').getAttribute('data-connection')
}

function labelOf(page: Page, shapeId: string): Promise<string | undefined> {
  return page
    .locator(`[data-shape-id="${shapeId}"]`)
    .getByLabel('Label')
    .evaluate((el) => (el as HTMLSelectElement).selectedOptions[0]?.text)
}

describe('working offline', () => {
  let e2e: E2E

  beforeAll(async () => {
    e2e = await startE2E()
  })
  afterAll(() => e2e?.close())

  it('draws and edits offline, keeps the work across a reload, and syncs it all when back online', async () => {
    const project = await createProject(e2e, 'Offline')
    const [image] = await uploadImages(e2e, project.id, project.token, ['street-03.png'])
    const token = await shareLink(e2e, project.id, project.token, 'annotator')
    const job = { token, projectId: project.id, jobId: image!.jobId }
    const ana = await openJob(e2e, { ...job, name: 'Ana' })
    const ben = await openJob(e2e, { ...job, name: 'Ben' })
    // Ben's box is there before Ana leaves the network.
    await ben.page.keyboard.press('r')
    await drag(ben.page, [420, 300], [560, 400])
    await expect.poll(() => objects(ana.page).count(), { timeout: SLOW }).toBe(1)
    // The app shell is installed (it is what opens on the offline reload below).
    await ana.page.evaluate(async () => {
      await navigator.serviceWorker.ready
    })

    await ana.context.setOffline(true)
    await expect.poll(() => connection(ana.page), { timeout: SLOW }).toBe('offline')

    // Offline, Ana draws two boxes, moves the first and relabels the second with the 2 key.
    await ana.page.keyboard.press('r')
    await drag(ana.page, [40, 40], [160, 120])
    await drag(ana.page, [200, 200], [300, 280])
    await expect.poll(() => objects(ana.page).count(), { timeout: SLOW }).toBe(3)
    await ana.page.keyboard.press('v')
    await drag(ana.page, [100, 80], [130, 100]) // the first box, by its middle: +30, +20
    await ana.page.keyboard.press('Escape')
    await drag(ana.page, [250, 240], [250, 240]) // a click selects the second box
    await ana.page.keyboard.press('2')

    // Nothing of it reached the server or Ben; the header says changes are waiting.
    await expect
      .poll(async () => Number(await pending(ana.page)), { timeout: SLOW })
      .toBeGreaterThan(0)
    expect(await serverShapes(e2e, project.id, job.jobId)).toHaveLength(1)
    expect(await objects(ben.page).count()).toBe(1)

    // A reload while offline: the job opens from this device with the work still there.
    await ana.page.reload()
    await imageReady(ana.page)
    await expect.poll(() => objects(ana.page).count(), { timeout: SLOW }).toBe(3)
    expect(await connection(ana.page)).toBe('offline')
    expect(Number(await pending(ana.page))).toBeGreaterThan(0)
    const labels = await objects(ana.page).evaluateAll((rows) =>
      rows.map((row) => row.querySelector('select')!.selectedOptions[0]!.text),
    )
    expect(labels.sort()).toEqual(['car', 'car', 'person'])

    // Back online: everything reaches the server and Ben; nothing waits any more.
    await ana.context.setOffline(false)
    await expect.poll(() => connection(ana.page), { timeout: SLOW }).toBe('online')
    await expect.poll(() => pending(ana.page), { timeout: SLOW }).toBe('0')
    await expect.poll(() => objects(ben.page).count(), { timeout: SLOW }).toBe(3)

    const shapes = await serverShapes(e2e, project.id, job.jobId)
    expect(shapes).toHaveLength(3)
    const moved = shapes.find((s) => near(s.points, [70, 60, 190, 140]))
    const relabelled = shapes.find((s) => near(s.points, [200, 200, 300, 280]))
    expect(moved?.labelId, JSON.stringify(shapes)).toBe(project.car.id)
    expect(relabelled?.labelId, JSON.stringify(shapes)).toBe(project.person.id)
    expect(await labelOf(ben.page, relabelled!.id)).toBe('person')
    expect(await labelOf(ben.page, moved!.id)).toBe('car')
  })
})
