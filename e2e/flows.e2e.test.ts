import { mkdirSync, readFileSync } from 'node:fs'
import { strFromU8, unzipSync } from 'fflate'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createProject, seedBoxes, uploadImages } from './api'
import { SLOW } from './editor'
import { startE2E } from './harness'
import type { E2E } from './harness'

/** Screenshots are kept under dist/ (not committed). */
const OUT = 'dist/screenshots'

let e2e: E2E
let project: Awaited<ReturnType<typeof createProject>>
let page: Page

beforeAll(async () => {
  e2e = await startE2E()
  project = await createProject(e2e, 'Harbour')
  const images = await uploadImages(e2e, project.id, project.token, ['boat-1.png', 'boat-2.png'])
  await seedBoxes(e2e, project, images[0]!, [
    { labelId: project.car.id, points: [40, 40, 200, 160] },
    { labelId: project.person.id, points: [300, 100, 360, 260] },
  ])
  ;({ page } = await e2e.user(`/?token=${project.token}#/project/${project.id}`))
  await page.getByRole('heading', { level: 1, name: 'Harbour' }).waitFor({ timeout: SLOW })
})

afterAll(() => e2e.close())

async function zipOf(download: { path(): Promise<string | null> }) {
  const path = await download.path()
  return unzipSync(readFileSync(path!))
}

describe('flows in the project page', () => {
  it('creates a deployment, runs it now, follows progress to Completed and downloads the artifact', async () => {
    const panel = page.getByTestId('flows-panel')
    await panel.waitFor()
    const form = panel.getByTestId('deployment-form')
    await form.getByLabel('Flow', { exact: true }).selectOption('export')
    await form.getByLabel('Export format').selectOption('coco')
    await form.getByLabel('Deployment name').fill('Nightly COCO')
    await form.getByLabel('Schedule').selectOption('cron')
    await form.getByLabel('Cron expression').fill('0 3 * * *')
    await form.getByLabel('Time zone').fill('Europe/Berlin')
    await form.getByRole('button', { name: 'Create deployment' }).click()

    const deployment = panel.getByTestId('deployment').filter({ hasText: 'Nightly COCO' })
    await deployment.waitFor()
    await expect(deployment.textContent()).resolves.toContain('cron 0 3 * * * (Europe/Berlin)')

    // Edit the schedule to an interval, pause and resume.
    await deployment.getByRole('button', { name: 'Edit schedule' }).click()
    await deployment.getByLabel('Schedule').selectOption('interval')
    await deployment.getByLabel('Interval', { exact: true }).fill('6')
    await deployment.getByLabel('Interval unit').selectOption('hours')
    await deployment.getByRole('button', { name: 'Save schedule' }).click()
    await expect.poll(() => deployment.textContent(), { timeout: SLOW }).toContain('every 6 hours')
    await deployment.getByRole('button', { name: 'Pause' }).click()
    await deployment.getByText('Paused', { exact: true }).waitFor()
    await deployment.getByRole('button', { name: 'Resume' }).click()
    await deployment.getByRole('button', { name: 'Pause' }).waitFor()

    await deployment.getByRole('button', { name: 'Run now' }).click()
    const run = panel.locator('[data-testid="flow-run"][data-state="Completed"]').first()
    await run.waitFor({ timeout: SLOW })
    await expect(
      run.getByTestId('run-progress').evaluate((p) => (p as HTMLProgressElement).value),
    ).resolves.toBe(1)

    await run.getByRole('button', { name: 'Details' }).click()
    const details = run.getByTestId('run-details')
    await details.getByTestId('artifact-download').waitFor()
    await expect(details.getByTestId('run-logs').textContent()).resolves.toContain('exported')
    await page.screenshot({ path: `${OUT}/flows.png`, fullPage: true })
    const [download] = await Promise.all([
      page.waitForEvent('download', { timeout: SLOW }),
      details.getByTestId('artifact-download').click(),
    ])
    expect(download.suggestedFilename()).toBe('Harbour-coco.zip')
    const files = await zipOf(download)
    const coco = JSON.parse(strFromU8(files['annotations/instances_default.json']!)) as {
      annotations: unknown[]
    }
    expect(coco.annotations).toHaveLength(2)
  })

  it('"Export on server" starts an export run and downloads the zip when it is done', async () => {
    await page.getByRole('button', { name: 'Export on server' }).click()
    const box = page.getByTestId('server-export')
    await box.getByLabel('Server export format').selectOption('yolo')
    const [download] = await Promise.all([
      page.waitForEvent('download', { timeout: SLOW }),
      box.getByRole('button', { name: 'Start export' }).click(),
    ])
    expect(download.suggestedFilename()).toBe('Harbour-yolo.zip')
    expect(Object.keys(await zipOf(download))).toContain('obj.names')
    await expect(box.getByTestId('server-export-status').textContent()).resolves.toContain(
      'Completed',
    )
    await page.screenshot({ path: `${OUT}/flows-server-export.png` })
  })
})

mkdirSync(OUT, { recursive: true })
