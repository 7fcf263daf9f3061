import { mkdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate'
import type { BrowserContext, Locator, Page } from 'playwright-core'
import type * as Y from 'yjs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createProject, scenePng, serverShapes, shareLink, uploadImages } from './api'
import type { UploadedImage } from './api'
import { SLOW, imageReady, objects } from './editor'
import { startE2E } from './harness'
import type { E2E } from './harness'

/** Screenshots of the dialogs (not committed; see screenshots.e2e.test.ts). */
const OUT = 'dist/screenshots'

interface CocoFile {
  images: { id: number; file_name: string; width: number; height: number }[]
  categories: { id: number; name: string; supercategory?: string }[]
  annotations: {
    id: number
    image_id: number
    category_id: number
    bbox: number[]
    area: number
    iscrowd: number
    segmentation: number[][]
  }[]
}

/** COCO as CVAT writes it: non-contiguous ids, a box and a polygon on the first image. */
function cocoFile(): CocoFile {
  return {
    images: [
      { id: 5, file_name: 'street-01.png', width: 640, height: 480 },
      { id: 9, file_name: 'street-02.png', width: 640, height: 480 },
    ],
    categories: [
      { id: 3, name: 'car', supercategory: '' },
      { id: 7, name: 'truck', supercategory: '' },
    ],
    annotations: [
      {
        id: 11,
        image_id: 5,
        category_id: 3,
        bbox: [76, 300, 158, 78],
        area: 158 * 78,
        iscrowd: 0,
        segmentation: [],
      },
      {
        id: 12,
        image_id: 5,
        category_id: 7,
        bbox: [356, 330, 138, 68],
        area: 138 * 68,
        iscrowd: 0,
        segmentation: [[356, 330, 494, 330, 494, 398, 356, 398]],
      },
    ],
  }
}

/**
 * The zip CVAT exports with images: `annotations/` beside `images/default/` (the first image's
 * bytes are the ones uploaded, so it matches by name and content).
 */
const zipOf = (coco: unknown) =>
  Buffer.from(
    zipSync({
      'annotations/instances_default.json': strToU8(JSON.stringify(coco)),
      'images/default/street-01.png': new Uint8Array(scenePng(640, 480, 0)),
    }),
  )

function connection(page: Page): Promise<string | null> {
  return page.getByTestId('sync-indicator').getAttribute('data-connection')
}

/** Label names of the project as the server holds it. */
function serverLabels(e2e: E2E, projectId: string): Promise<string[]> {
  return e2e.server.relay.read(`project/${projectId}`, (doc: Y.Doc) => {
    const labels = doc.getMap('labels').toJSON() as Record<string, { name: string }>
    return Object.values(labels)
      .map((l) => l.name)
      .sort()
  })
}

/** Opens Import…, picks a file, waits until its format is looked at. */
async function chooseImport(page: Page, name: string, buffer: Buffer): Promise<Locator> {
  await page.getByRole('button', { name: 'Import…' }).click()
  const dialog = page.getByTestId('import-dialog')
  await dialog.waitFor()
  await dialog
    .getByTestId('import-file-input')
    .setInputFiles({ name, mimeType: 'application/zip', buffer })
  await dialog.getByTestId('import-source').waitFor()
  return dialog
}

async function exportZip(
  page: Page,
  options: { includeImages?: boolean } = {},
): Promise<{ name: string; files: Record<string, Uint8Array>; dialog: Locator }> {
  const dialog = page.getByTestId('export-dialog')
  if (!(await dialog.isVisible())) {
    await page.getByRole('button', { name: 'Export…' }).click()
    await dialog.waitFor()
  }
  await dialog.getByLabel('Format').selectOption('coco')
  await dialog.getByLabel('Include images').setChecked(options.includeImages ?? false)
  const [download] = await Promise.all([
    page.waitForEvent('download', { timeout: SLOW }),
    dialog.getByRole('button', { name: /^Export( again)?$/ }).click(),
  ])
  const path = await download.path()
  await dialog.getByTestId('export-summary').waitFor({ timeout: SLOW })
  return { name: download.suggestedFilename(), files: unzipSync(readFileSync(path)), dialog }
}

describe('dataset import and export in the browser', () => {
  let e2e: E2E
  let project: Awaited<ReturnType<typeof createProject>>
  let images: UploadedImage[]
  let page: Page
  let context: BrowserContext

  beforeAll(async () => {
    e2e = await startE2E()
    mkdirSync(OUT, { recursive: true })
    project = await createProject(e2e, 'Imported streets')
    images = await uploadImages(e2e, project.id, project.token, ['street-01.png', 'street-02.png'])
    ;({ page, context } = await e2e.user(`/?token=${project.token}#/project/${project.id}`))
    await page.getByTestId('jobs-list').waitFor({ timeout: SLOW })
  })
  afterAll(() => e2e?.close())

  it('imports a COCO zip: summary, new label, shapes on the server and in the editor', async () => {
    const dialog = await chooseImport(page, 'streets-coco.zip', zipOf(cocoFile()))
    await expect
      .poll(() => dialog.getByTestId('import-detected').textContent(), { timeout: SLOW })
      .toContain('COCO 1.0')
    await page.screenshot({ path: join(OUT, 'import-dialog.png') })
    await dialog.getByRole('button', { name: 'Import', exact: true }).click()

    const summary = dialog.getByTestId('import-summary')
    await summary.waitFor({ timeout: SLOW })
    await expect
      .poll(() => summary.getByTestId('import-shapesAdded').textContent())
      .toBe('2 shapes added')
    expect(await summary.getByTestId('import-labelsAdded').textContent()).toBe('1 label added')
    expect(await summary.getByTestId('import-imagesMatched').textContent()).toBe('2 images matched')
    await page.screenshot({ path: join(OUT, 'import-summary.png') })

    // Synced to the server: the new label and both shapes.
    const jobId = images[0]!.jobId
    await expect
      .poll(() => serverLabels(e2e, project.id), { timeout: SLOW })
      .toEqual(['car', 'person', 'truck'])
    await expect
      .poll(async () => (await serverShapes(e2e, project.id, jobId)).length, { timeout: SLOW })
      .toBe(2)
    const shapes = await serverShapes(e2e, project.id, jobId)
    expect(shapes.map((s) => [s.type, s.points]).sort()).toEqual([
      ['polygon', [356, 330, 494, 330, 494, 398, 356, 398]],
      ['rectangle', [76, 300, 234, 378]],
    ])

    // The project page counts the new label; the editor shows the shapes.
    await dialog.getByRole('button', { name: 'Done' }).click()
    await page.getByText('3 labels').waitFor()
    await page
      .locator(`[data-testid="job-row"][data-job-id="${jobId}"]`)
      .getByRole('link', { name: 'Open' })
      .click()
    await imageReady(page)
    await expect.poll(() => objects(page).count(), { timeout: SLOW }).toBe(2)
    await page.goBack()
    await page.getByTestId('jobs-list').waitFor({ timeout: SLOW })
  })

  it('a second import of the same file changes nothing', async () => {
    const dialog = await chooseImport(page, 'streets-coco.zip', zipOf(cocoFile()))
    await dialog.getByRole('button', { name: 'Import', exact: true }).click()
    const summary = dialog.getByTestId('import-summary')
    await summary.waitFor({ timeout: SLOW })
    expect(await summary.textContent()).toContain('Nothing to change')
    expect(await summary.getByTestId('import-shapesSkipped').textContent()).toBe(
      '2 shapes skipped (already there)',
    )
    await dialog.getByRole('button', { name: 'Done' }).click()
    expect(await serverShapes(e2e, project.id, images[0]!.jobId)).toHaveLength(2)
  })

  it('a malformed file shows `file: path: expected` and changes nothing', async () => {
    const bad = cocoFile()
    bad.annotations.push({ ...bad.annotations[0]!, id: 13, category_id: 7 })
    bad.annotations[1]!.bbox = [1, 2, 3]
    bad.categories.push({ id: 8, name: 'bus' })
    const dialog = await chooseImport(page, 'broken-coco.zip', zipOf(bad))
    await dialog.getByRole('button', { name: 'Import', exact: true }).click()
    const error = dialog.getByTestId('import-error')
    await error.waitFor({ timeout: SLOW })
    expect(await error.textContent()).toBe(
      'annotations/instances_default.json: annotations[1].bbox: expected 4 numbers',
    )
    expect(await dialog.textContent()).toContain('Nothing was changed.')
    await page.screenshot({ path: join(OUT, 'import-error.png') })
    await dialog.getByRole('button', { name: 'Close', exact: true }).click()
    // Nothing reached the project: no `bus`, no third shape.
    await page.waitForTimeout(500)
    expect(await serverLabels(e2e, project.id)).toEqual(['car', 'person', 'truck'])
    expect(await serverShapes(e2e, project.id, images[0]!.jobId)).toHaveLength(2)
    expect(await page.getByText('3 labels').count()).toBe(1)
  })

  it('exports COCO: the downloaded zip holds the annotations, and the report says what COCO lacks', async () => {
    const { name, files, dialog } = await exportZip(page)
    expect(name).toBe('Imported-streets-coco.zip')
    const paths = Object.keys(files)
    const json = paths.find((p) => p.endsWith('.json'))
    expect(json, paths.join(', ')).toBeDefined()
    const coco = JSON.parse(strFromU8(files[json!]!)) as CocoFile
    expect(coco.images.map((i) => [i.file_name, i.width, i.height])).toEqual([
      ['street-01.png', 640, 480],
      ['street-02.png', 640, 480],
    ])
    expect(coco.categories.map((c) => c.name).sort()).toEqual(['car', 'person', 'truck'])
    const byName = new Map(coco.categories.map((c) => [c.id, c.name]))
    const first = coco.images.find((i) => i.file_name === 'street-01.png')!
    const annotations = coco.annotations
      .filter((a) => a.image_id === first.id)
      .map((a) => ({ label: byName.get(a.category_id), bbox: a.bbox }))
      .sort((a, b) => a.label!.localeCompare(b.label!))
    expect(annotations).toEqual([
      { label: 'car', bbox: [76, 300, 158, 78] },
      { label: 'truck', bbox: [356, 330, 138, 68] },
    ])
    // COCO has no label colors: the report says so.
    const report = dialog.getByTestId('export-report')
    expect(await report.textContent()).toContain('label colors')
    await page.screenshot({ path: join(OUT, 'export-dialog.png') })
    await dialog.getByRole('button', { name: 'Close', exact: true }).click()
  })

  it('exports offline from what this device holds, images included', async () => {
    const online = await exportZip(page)
    await online.dialog.getByRole('button', { name: 'Close', exact: true }).click()
    // Every image onto this device first.
    await page.getByRole('button', { name: /Make available offline|Update offline copy/ }).click()
    await page.getByTestId('offline-done').waitFor({ timeout: SLOW })

    await context.setOffline(true)
    await expect.poll(() => connection(page), { timeout: SLOW }).toBe('offline')
    const offline = await exportZip(page)
    const json = (files: Record<string, Uint8Array>) =>
      strFromU8(files[Object.keys(files).find((p) => p.endsWith('.json'))!]!)
    expect(json(offline.files)).toBe(json(online.files))

    const withImages = await exportZip(page, { includeImages: true })
    const pngs = Object.keys(withImages.files).filter((p) => p.endsWith('.png'))
    expect(pngs.map((p) => p.split('/').pop()).sort()).toEqual(['street-01.png', 'street-02.png'])
    const warnings = await withImages.dialog.getByTestId('export-summary').textContent()
    expect(warnings).not.toContain('not on this device')
    await withImages.dialog.getByRole('button', { name: 'Close', exact: true }).click()
    await context.setOffline(false)
    await expect.poll(() => connection(page), { timeout: SLOW }).toBe('online')
  })

  it('a large import shows its progress and can be cancelled, changing nothing', async () => {
    const big = cocoFile()
    const second = big.images[1]!
    for (let i = 0; i < 40_000; i++) {
      const x = (i * 7) % 600
      const y = (i * 13) % 440
      big.annotations.push({
        id: 100 + i,
        image_id: second.id,
        category_id: 3,
        bbox: [x, y, 10 + (i % 30), 10 + (i % 20)],
        area: 100,
        iscrowd: 0,
        segmentation: [],
      })
    }
    const dialog = await chooseImport(page, 'big-coco.zip', zipOf(big))
    await dialog.getByTestId('import-detected').waitFor({ timeout: SLOW })
    await dialog.getByRole('button', { name: 'Import', exact: true }).click()
    // Cancel as soon as it shows progress (reading and planning 40,000 boxes takes seconds).
    await dialog.getByTestId('import-progress').waitFor({ timeout: SLOW })
    await dialog.getByRole('button', { name: 'Cancel' }).click({ timeout: 2000 })
    await dialog.getByTestId('import-cancelled').waitFor({ timeout: SLOW })
    await page.screenshot({ path: join(OUT, 'import-cancelled.png') })
    expect(await dialog.getByTestId('import-cancelled').textContent()).toBe(
      'Import cancelled. Nothing was changed.',
    )
    await dialog.getByRole('button', { name: 'Close', exact: true }).click()
    await page.waitForTimeout(500)
    expect(await serverShapes(e2e, project.id, images[0]!.jobId)).toHaveLength(2)
  })

  it('a viewer link can export but not import', async () => {
    const token = await shareLink(e2e, project.id, project.token, 'viewer')
    const viewer = await e2e.user(`/?token=${token}#/project/${project.id}`)
    await viewer.page.getByTestId('jobs-list').waitFor({ timeout: SLOW })
    expect(await viewer.page.getByRole('button', { name: 'Import…' }).isDisabled()).toBe(true)
    const { files } = await exportZip(viewer.page)
    expect(Object.keys(files).some((p) => p.endsWith('.json'))).toBe(true)
  })
})
