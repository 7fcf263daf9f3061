import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { createProject, seedBoxes, serverShapes, shareLink, uploadImages } from './api'
import { SLOW, drag, imageReady, near, objects, openJob, pending } from './editor'
import { startE2E } from './harness'
import type { E2E } from './harness'

function tool(page: Page, name: string) {
  return page.getByRole('toolbar', { name: 'Tools' }).getByRole('button', { name, exact: true })
}

function labelButton(page: Page, name: string) {
  return page.getByTestId('labels-panel').getByRole('button', { name: new RegExp(name) })
}

function currentImage(page: Page) {
  return page.getByTestId('job-images').locator('[aria-current="true"] .image-name').textContent()
}

function objectLabels(page: Page): Promise<string[]> {
  return objects(page).evaluateAll((rows) =>
    rows.map((row) => row.querySelector('select')!.selectedOptions[0]!.text),
  )
}

describe('the editor by keyboard, and view-only links', () => {
  let e2e: E2E

  beforeAll(async () => {
    e2e = await startE2E()
  })
  afterAll(() => e2e?.close())

  it('R draws a box, 2 picks the second label, F goes to the next image, Ctrl+Z undoes', async () => {
    const project = await createProject(e2e, 'Keyboard')
    const [first, second] = await uploadImages(e2e, project.id, project.token, [
      'street-a.png',
      'street-b.png',
    ])
    expect(second!.jobId).toBe(first!.jobId)
    const token = await shareLink(e2e, project.id, project.token, 'annotator')
    const { page } = await openJob(e2e, {
      token,
      projectId: project.id,
      jobId: first!.jobId,
      name: 'Kim',
    })
    expect(await currentImage(page)).toBe('street-a.png')

    // R: the box tool. 2: the second label (person). A drag: a person box.
    await page.keyboard.press('r')
    expect(await tool(page, 'Box').getAttribute('aria-pressed')).toBe('true')
    await page.keyboard.press('2')
    expect(await labelButton(page, 'person').getAttribute('aria-pressed')).toBe('true')
    await drag(page, [100, 100], [260, 220])
    await expect.poll(() => objectLabels(page), { timeout: SLOW }).toEqual(['person'])
    await expect.poll(() => pending(page), { timeout: SLOW }).toBe('0')
    const [box] = await serverShapes(e2e, project.id, first!.jobId)
    expect(box).toMatchObject({ imageId: first!.id, labelId: project.person.id })
    expect(near(box!.points, [100, 100, 260, 220]), JSON.stringify(box)).toBe(true)

    // F: the next image, which has no objects yet; 1 and a drag draw a car there.
    await page.keyboard.press('f')
    await expect.poll(() => currentImage(page), { timeout: SLOW }).toBe('street-b.png')
    await imageReady(page)
    expect(await objects(page).count()).toBe(0)
    await page.keyboard.press('1')
    await drag(page, [300, 300], [400, 380])
    await expect.poll(() => objectLabels(page), { timeout: SLOW }).toEqual(['car'])

    // Ctrl+Z takes that box back; the first image's box stays.
    await page.keyboard.press('Control+z')
    await expect.poll(() => objects(page).count(), { timeout: SLOW }).toBe(0)
    await expect.poll(() => pending(page), { timeout: SLOW }).toBe('0')
    expect((await serverShapes(e2e, project.id, first!.jobId)).map((s) => s.id)).toEqual([box!.id])

    // D: back to the first image. V, Tab selects its box, Del deletes it, Ctrl+Z restores it.
    await page.keyboard.press('d')
    await expect.poll(() => currentImage(page), { timeout: SLOW }).toBe('street-a.png')
    await imageReady(page)
    await page.keyboard.press('v')
    await page.keyboard.press('Tab')
    await expect
      .poll(() => objects(page).first().getByRole('button', { pressed: true }).count())
      .toBe(1)
    await page.keyboard.press('Delete')
    await expect.poll(() => objects(page).count(), { timeout: SLOW }).toBe(0)
    await page.keyboard.press('Control+z')
    await expect.poll(() => objectLabels(page), { timeout: SLOW }).toEqual(['person'])
    await expect.poll(() => pending(page), { timeout: SLOW }).toBe('0')
    const shapes = await serverShapes(e2e, project.id, first!.jobId)
    expect(shapes).toHaveLength(1)
    expect(shapes[0]).toMatchObject({ labelId: project.person.id, imageId: first!.id })
    expect(near(shapes[0]!.points, [100, 100, 260, 220])).toBe(true)
  })

  it('a viewer link cannot change anything: tools off, keys refused, the server unchanged', async () => {
    const project = await createProject(e2e, 'View only')
    const [image] = await uploadImages(e2e, project.id, project.token, ['street-v.png'])
    const [seeded] = await seedBoxes(e2e, project, image!, [
      { labelId: project.car.id, points: [100, 100, 300, 250] },
    ])
    const before = await serverShapes(e2e, project.id, image!.jobId)
    const token = await shareLink(e2e, project.id, project.token, 'viewer')
    const { page } = await openJob(e2e, {
      token,
      projectId: project.id,
      jobId: image!.jobId,
      name: 'Vic',
    })
    await page.getByTestId('editor').getByTestId('view-only').waitFor()
    await expect.poll(() => objects(page).count(), { timeout: SLOW }).toBe(1)
    await expect
      .poll(() => page.getByTestId('sync-indicator').getAttribute('data-connection'), {
        timeout: SLOW,
      })
      .toBe('online')

    // Drawing tools are off: clicking Box or pressing R leaves the select tool on.
    expect(await tool(page, 'Box').getAttribute('aria-disabled')).toBe('true')
    await tool(page, 'Box').click({ force: true }) // a click on the greyed-out button
    await page.keyboard.press('r')
    await page
      .getByRole('alert')
      .getByText(/view only/i)
      .waitFor()
    expect(await page.getByTestId('editor-canvas').getAttribute('data-tool')).toBe('select')
    await drag(page, [350, 300], [500, 420])

    // The box can be selected for a look, not moved, relabelled or deleted.
    await drag(page, [200, 170], [260, 220])
    await expect
      .poll(() => objects(page).first().getByRole('button', { pressed: true }).count())
      .toBe(1)
    await page.keyboard.press('2')
    await page.keyboard.press('Delete')
    await page.keyboard.press('Control+z')
    const row = page.locator(`[data-shape-id="${seeded}"]`)
    expect(await row.getByLabel('Label').isDisabled()).toBe(true)
    expect(await row.getByRole('button', { name: 'Delete' }).isDisabled()).toBe(true)
    expect(await tool(page, 'Undo').isDisabled()).toBe(true)
    expect(await objectLabels(page)).toEqual(['car'])

    // Nothing waits to be sent and the server holds what it held.
    expect(await pending(page)).toBe('0')
    expect(await serverShapes(e2e, project.id, image!.jobId)).toEqual(before)
  })
})
