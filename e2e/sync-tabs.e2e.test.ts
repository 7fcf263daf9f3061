import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { createProject, serverShapes, shareLink, uploadImages } from './api'
import { SLOW, drag, imageReady, objects, openJob, pending } from './editor'
import { startE2E } from './harness'
import type { E2E } from './harness'

/** This browser profile's saved pending entries (localStorage), by key. */
function pendingEntries(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    Object.keys(localStorage)
      .filter((k) => k.startsWith('loupe.pending.'))
      .sort(),
  )
}

describe('two tabs of one browser on the same job', () => {
  let e2e: E2E

  beforeAll(async () => {
    e2e = await startE2E()
  })
  afterAll(() => e2e?.close())

  it('each tab counts its own waiting changes; a closed tab’s changes are taken over and sent', async () => {
    const project = await createProject(e2e, 'Tabs')
    const [image] = await uploadImages(e2e, project.id, project.token, ['tabs.png'])
    const token = await shareLink(e2e, project.id, project.token, 'annotator')
    const job = { token, projectId: project.id, jobId: image!.jobId }
    const { context, page: first } = await openJob(e2e, { ...job, name: 'Ana' })
    const second = await context.newPage()
    await second.goto(first.url())
    await imageReady(second)

    await context.setOffline(true)
    await first.keyboard.press('r')
    await drag(first, [40, 40], [160, 120])
    await expect.poll(() => pending(first), { timeout: SLOW }).not.toBe('0')
    await second.keyboard.press('r')
    await drag(second, [300, 200], [420, 300])
    await expect.poll(() => pending(second), { timeout: SLOW }).not.toBe('0')
    const firstCount = Number(await pending(first))
    const secondCount = Number(await pending(second))

    // One entry per tab: neither overwrote the other.
    const room = `job/${project.id}/${job.jobId}`
    await expect
      .poll(() => pendingEntries(second), { timeout: SLOW })
      .toEqual(expect.arrayContaining([expect.stringContaining(`${room}#`)]))
    expect((await pendingEntries(second)).length).toBe(2)
    expect(await serverShapes(e2e, project.id, job.jobId)).toHaveLength(0)

    // The first tab closes while offline: the second takes its waiting changes over.
    await first.close()
    await expect
      .poll(async () => Number(await pending(second)), { timeout: SLOW })
      .toBe(firstCount + secondCount)
    expect((await pendingEntries(second)).length).toBe(1)

    // Back online: both boxes reach the server from the remaining tab; nothing waits.
    await context.setOffline(false)
    await expect.poll(() => pending(second), { timeout: SLOW }).toBe('0')
    await expect
      .poll(async () => (await serverShapes(e2e, project.id, job.jobId)).length, { timeout: SLOW })
      .toBe(2)
    await expect.poll(() => objects(second).count(), { timeout: SLOW }).toBe(2)
    await expect.poll(() => pendingEntries(second), { timeout: SLOW }).toEqual([])
  })
})
