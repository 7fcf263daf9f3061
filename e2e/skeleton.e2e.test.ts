import { mkdirSync } from 'node:fs'
import type * as Y from 'yjs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createProject, shareLink, uploadImages } from './api'
import { SLOW, hover, objects, openJob, pixelAt, toPage } from './editor'
import { startE2E } from './harness'
import type { E2E } from './harness'

interface StoredSkeleton {
  type: string
  labelId: string
  points: number[]
  visibility?: string[]
}

describe('skeletons', () => {
  let e2e: E2E

  beforeAll(async () => {
    e2e = await startE2E()
  })
  afterAll(() => e2e?.close())

  it('J, a click per node (Shift+click occluded, H not in the image) writes a skeleton that syncs', async () => {
    const project = await createProject(e2e, 'Poses', [
      {
        name: 'walker',
        color: '#f0b450',
        type: 'skeleton',
        skeleton: {
          nodes: ['head', 'hip', 'left foot', 'right foot'],
          edges: [
            [0, 1],
            [1, 2],
            [1, 3],
          ],
        },
      },
    ])
    const [image] = await uploadImages(e2e, project.id, project.token, ['street.png'])
    const token = await shareLink(e2e, project.id, project.token, 'annotator')
    const { page } = await openJob(e2e, {
      token,
      projectId: project.id,
      jobId: image!.jobId,
      name: 'Sk',
    })
    const walker = project.labels.find((l) => l.name === 'walker')!
    await page.keyboard.press('j')
    const hint = page.getByTestId('tool-hint')
    await expect.poll(() => hint.textContent(), { timeout: SLOW }).toContain('click head first')

    const at = (x: number, y: number) => toPage(page, x, y)
    await page.mouse.click(...(await at(300, 100)))
    await expect.poll(() => hint.textContent()).toContain('click hip (2 of 4)')
    await page.keyboard.down('Shift')
    await page.mouse.click(...(await at(300, 200)))
    await page.keyboard.up('Shift')
    await page.mouse.click(...(await at(260, 300)))
    await hover(page, 350, 300)
    mkdirSync('dist/screenshots', { recursive: true })
    await page.screenshot({ path: 'dist/screenshots/skeleton-placing.png' })
    await page.keyboard.press('h')

    const room = `job/${project.id}/${image!.jobId}`
    const stored = () =>
      e2e.server.relay.read(
        room,
        (doc: Y.Doc) => Object.values(doc.getMap('shapes').toJSON()) as StoredSkeleton[],
      )
    await expect.poll(async () => (await stored()).length, { timeout: SLOW }).toBe(1)
    const [shape] = await stored()
    expect(shape).toMatchObject({
      type: 'skeleton',
      labelId: walker.id,
      visibility: ['visible', 'occluded', 'visible', 'hidden'],
    })
    const expected = [300, 100, 300, 200, 260, 300, 350, 300]
    shape!.points.forEach((v, i) => expect(Math.abs(v - expected[i]!)).toBeLessThanOrEqual(2))
    await page.screenshot({ path: 'dist/screenshots/skeleton.png' })

    // Deselected (no handles), the node that is not in the image has no dot; the others have.
    const orange = [240, 180, 80]
    const near = (a: number[], b: number[]) => a.every((v, i) => Math.abs(v - b[i]!) <= 40)
    const dotAt = async (x: number, y: number) =>
      near(await pixelAt(page, ...(await at(x, y))), orange)
    await page.keyboard.press('Escape')
    await expect.poll(() => dotAt(300, 100), { timeout: SLOW }).toBe(true)
    expect(await dotAt(260, 300)).toBe(true)
    expect(await dotAt(350, 300)).toBe(false)

    // The Attributes panel lists the nodes: the right foot turns out to be in the image after all.
    await objects(page).first().locator('.ed-object-main').click()
    const nodes = page.getByRole('group', { name: 'Nodes' })
    expect(await nodes.getByLabel('hip').inputValue()).toBe('occluded')
    await nodes.getByLabel('right foot').selectOption('visible')
    await expect
      .poll(async () => (await stored())[0]?.visibility, { timeout: SLOW })
      .toEqual(['visible', 'occluded', 'visible', 'visible'])
    await page.keyboard.press('Escape')
    await expect.poll(() => dotAt(350, 300), { timeout: SLOW }).toBe(true)
  })
})
