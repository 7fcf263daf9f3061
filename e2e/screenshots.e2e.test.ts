import { mkdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createProject, seedBoxes, shareLink, uploadImages } from './api'
import { SLOW, drag, hover, imageReady, objects, openJob, setName } from './editor'
import { ADMIN_TOKEN, startE2E } from './harness'
import type { E2E } from './harness'

/**
 * Where the PNGs go: dist/screenshots (ignored) by default, so a test run leaves the work tree
 * clean; `UPDATE_SCREENSHOTS=1 npm run test:e2e` refreshes the README's copies in docs/screenshots.
 */
const OUT = process.env.UPDATE_SCREENSHOTS ? 'docs/screenshots' : 'dist/screenshots'
/** The README shows these: keep each small. */
const MAX_BYTES = 300 * 1024

describe('screenshots of the main screens', () => {
  let e2e: E2E

  beforeAll(async () => {
    e2e = await startE2E()
    mkdirSync(OUT, { recursive: true })
  })
  afterAll(() => e2e?.close())

  function shot(name: string) {
    const path = join(OUT, `${name}.png`)
    return {
      path,
      check: () => expect(statSync(path).size, path).toBeLessThan(MAX_BYTES),
    }
  }

  it('projects page, project page, and the editor with shapes and a remote cursor', async () => {
    const project = await createProject(e2e, 'Street scenes', [
      { name: 'bicycle', color: '#43a047' },
      { name: 'traffic light', color: '#fdd835' },
    ])
    const names = Array.from(
      { length: 6 },
      (_, i) => `street-${String(i + 1).padStart(2, '0')}.png`,
    )
    const [first] = await uploadImages(e2e, project.id, project.token, names)
    const light = project.labels.find((l) => l.name === 'traffic light')!
    await seedBoxes(e2e, project, first!, [
      { labelId: project.car.id, points: [76, 300, 234, 378] },
      { labelId: project.car.id, points: [356, 330, 494, 398] },
      { labelId: light.id, points: [516, 170, 554, 288] },
      { labelId: project.person.id, points: [266, 240, 300, 332] },
    ])
    for (const other of ['Parking lots', 'Crosswalks']) {
      const p = await createProject(e2e, other)
      await uploadImages(e2e, p.id, p.token, [`${other.toLowerCase()}-1.png`])
    }

    // The admin's list of projects.
    const { page } = await e2e.user(`/?token=${ADMIN_TOKEN}`)
    await page.getByText('Crosswalks').first().waitFor({ timeout: SLOW })
    await setName(page, 'Ana')
    // The app shell is cached: the notice says so once.
    await page.getByRole('button', { name: 'OK' }).click()
    const projects = shot('projects')
    await page.screenshot({ path: projects.path })
    projects.check()

    // The project: images, jobs, labels.
    await page.getByText('Street scenes').first().click()
    await page.getByTestId('jobs-list').getByTestId('job-row').waitFor({ timeout: SLOW })
    await page.getByText('traffic light').first().waitFor()
    const projectPage = shot('project')
    await page.screenshot({ path: projectPage.path })
    projectPage.check()

    // The editor: Ben is on the same image; Ana draws one more box and selects it.
    const token = await shareLink(e2e, project.id, project.token, 'annotator')
    const ben = await openJob(e2e, {
      token,
      projectId: project.id,
      jobId: first!.jobId,
      name: 'Ben',
    })
    await page.getByRole('link', { name: 'Open' }).click()
    await imageReady(page)
    await expect.poll(() => objects(page).count(), { timeout: SLOW }).toBe(4)
    await page.keyboard.press('r')
    await page.keyboard.press('1') // bicycle (labels are listed by name)
    await drag(page, [556, 396], [624, 440])
    await page.keyboard.press('v')
    await expect.poll(() => objects(ben.page).count(), { timeout: SLOW }).toBe(5)
    await hover(ben.page, 200, 190)
    await page
      .getByTestId('editor-canvas')
      .getByText('Ben', { exact: true })
      .waitFor({ timeout: SLOW })
    // Thumbnails in the image list, and the pointer off the canvas.
    await expect
      .poll(() => page.getByTestId('job-images').locator('img').count(), { timeout: SLOW })
      .toBe(6)
    await page.mouse.move(5, 5)
    const editor = shot('editor')
    await page.screenshot({ path: editor.path })
    editor.check()
  })
})
