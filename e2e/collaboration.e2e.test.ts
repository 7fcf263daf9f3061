import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createProject, serverShapes, shareLink, uploadImages } from './api'
import { SLOW, drag, hover, near, objects, openJob, pending } from './editor'
import { startE2E } from './harness'
import type { E2E } from './harness'

describe('two annotators on one image', () => {
  let e2e: E2E

  beforeAll(async () => {
    e2e = await startE2E()
  })
  afterAll(() => e2e?.close())

  it('both draw, see each other’s shapes and cursor; a move and a relabel of one shape both survive', async () => {
    const project = await createProject(e2e, 'Two annotators')
    const [image] = await uploadImages(e2e, project.id, project.token, ['street-01.png'])
    const token = await shareLink(e2e, project.id, project.token, 'annotator')
    const job = { token, projectId: project.id, jobId: image!.jobId }
    const ana = await openJob(e2e, { ...job, name: 'Ana' })
    const ben = await openJob(e2e, { ...job, name: 'Ben' })

    // Each draws a box (R, then a drag on the canvas).
    await ana.page.keyboard.press('r')
    await drag(ana.page, [60, 60], [200, 160])
    await ben.page.keyboard.press('r')
    await drag(ben.page, [360, 260], [560, 420])

    // Each sees two objects, and the server holds both boxes.
    await expect.poll(() => objects(ana.page).count(), { timeout: SLOW }).toBe(2)
    await expect.poll(() => objects(ben.page).count(), { timeout: SLOW }).toBe(2)
    await expect
      .poll(async () => (await serverShapes(e2e, project.id, job.jobId)).length, { timeout: SLOW })
      .toBe(2)
    const shapes = await serverShapes(e2e, project.id, job.jobId)
    const anaBox = shapes.find((s) => near(s.points, [60, 60, 200, 160]))
    const benBox = shapes.find((s) => near(s.points, [360, 260, 560, 420]))
    expect(anaBox, JSON.stringify(shapes)).toBeDefined()
    expect(benBox, JSON.stringify(shapes)).toBeDefined()
    expect(anaBox!.labelId).toBe(project.car.id)

    // Each sees the other's cursor, with their name, on the canvas.
    await hover(ben.page, 300, 200)
    await ana.page
      .getByTestId('editor-canvas')
      .getByText('Ben', { exact: true })
      .waitFor({ timeout: SLOW })
    await hover(ana.page, 100, 300)
    await ben.page
      .getByTestId('editor-canvas')
      .getByText('Ana', { exact: true })
      .waitFor({ timeout: SLOW })

    // Ana grabs Ben's box with the select tool and drags it 40 px left and 30 px up; while her
    // button is still down, Ben relabels that box "person" in his objects list.
    await ana.page.keyboard.press('v')
    await drag(ana.page, [460, 340], [420, 310], { release: false })
    const benRow = ben.page.locator(`[data-shape-id="${benBox!.id}"]`)
    await benRow.getByLabel('Label').selectOption({ label: 'person' })
    // Ana's page receives the relabel before she lets go.
    await expect
      .poll(
        () =>
          ana.page
            .locator(`[data-shape-id="${benBox!.id}"]`)
            .getByLabel('Label')
            .evaluate((el) => (el as HTMLSelectElement).selectedOptions[0]?.text),
        { timeout: SLOW },
      )
      .toBe('person')
    await ana.page.mouse.up()

    // Both changes survive, on the server and on both pages.
    await expect
      .poll(
        async () => {
          const moved = (await serverShapes(e2e, project.id, job.jobId)).find(
            (s) => s.id === benBox!.id,
          )
          return (
            moved !== undefined &&
            moved.labelId === project.person.id &&
            near(moved.points, [320, 230, 520, 390])
          )
        },
        { timeout: SLOW },
      )
      .toBe(true)
    for (const page of [ana.page, ben.page]) {
      await expect.poll(() => pending(page), { timeout: SLOW }).toBe('0')
      const label = await page
        .locator(`[data-shape-id="${benBox!.id}"]`)
        .getByLabel('Label')
        .evaluate((el) => (el as HTMLSelectElement).selectedOptions[0]?.text)
      expect(label).toBe('person')
    }
  })

  it('undo in one browser never removes the other’s shape', async () => {
    const project = await createProject(e2e, 'Undo is local')
    const [image] = await uploadImages(e2e, project.id, project.token, ['street-02.png'])
    const token = await shareLink(e2e, project.id, project.token, 'annotator')
    const job = { token, projectId: project.id, jobId: image!.jobId }
    const ana = await openJob(e2e, { ...job, name: 'Ana' })
    const ben = await openJob(e2e, { ...job, name: 'Ben' })

    await ana.page.keyboard.press('r')
    await drag(ana.page, [50, 50], [150, 150])
    await expect.poll(() => objects(ben.page).count(), { timeout: SLOW }).toBe(1)
    await ben.page.keyboard.press('r')
    await drag(ben.page, [400, 300], [500, 400])
    // Ana sees Ben's box arrive: it is now the last change in the document.
    await expect.poll(() => objects(ana.page).count(), { timeout: SLOW }).toBe(2)

    // Ana undoes twice (more than she did): only her own box goes.
    await ana.page.keyboard.press('Control+z')
    await ana.page.keyboard.press('Control+z')
    await expect.poll(() => objects(ana.page).count(), { timeout: SLOW }).toBe(1)
    await expect.poll(() => objects(ben.page).count(), { timeout: SLOW }).toBe(1)
    await expect.poll(() => pending(ana.page), { timeout: SLOW }).toBe('0')
    const shapes = await serverShapes(e2e, project.id, job.jobId)
    expect(shapes).toHaveLength(1)
    expect(near(shapes[0]!.points, [400, 300, 500, 400])).toBe(true)

    // Ben's undo takes his box; Ana's redo brings hers back. Neither touches the other's work.
    await ben.page.keyboard.press('Control+z')
    await ana.page.keyboard.press('Control+Shift+z')
    await expect
      .poll(
        async () => {
          const left = await serverShapes(e2e, project.id, job.jobId)
          return left.length === 1 && near(left[0]!.points, [50, 50, 150, 150])
        },
        { timeout: SLOW },
      )
      .toBe(true)
    await expect.poll(() => objects(ben.page).count(), { timeout: SLOW }).toBe(1)
  })
})
