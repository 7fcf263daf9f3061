import { mkdirSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type * as Y from 'yjs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { encode as encodeJpeg } from 'jpeg-js'
import { tinySamDecoder, tinySamEncoder } from '../worker/src/segment-testing/tiny-sam'
import { createProject, shareLink, uploadImages } from './api'
import { SLOW, drag, hover, imageReady, objects, openJob, pending, pixelAt, toPage } from './editor'
import { startE2E } from './harness'
import type { E2E } from './harness'

const OUT = 'dist/screenshots'

interface StoredShape {
  type: string
  points: number[]
  source?: string
  mask?: { size: [number, number]; counts: number[] }
}

/** Shoelace area of a flat x,y polygon. */
function area(points: readonly number[]): number {
  let sum = 0
  for (let i = 0; i < points.length; i += 2) {
    const j = (i + 2) % points.length
    sum += points[i]! * points[j + 1]! - points[j]! * points[i + 1]!
  }
  return Math.abs(sum) / 2
}

/**
 * A model host on another origin, as a CDN would be: the tiny SAM encoder/decoder (exactly the
 * official export's signatures), and a file that is not ONNX at all. CORS lets the worker read it.
 */
async function startModelHost(): Promise<{ url: string; server: Server; hits: string[] }> {
  const files: Record<string, Uint8Array> = {
    '/sam_encoder.onnx': tinySamEncoder(),
    '/sam_decoder.onnx': tinySamDecoder(),
    '/not-a-model.onnx': new TextEncoder().encode('<html>404 page from a proxy</html>'),
  }
  const hits: string[] = []
  const server = createServer((req, res) => {
    const body = files[req.url ?? '']
    hits.push(req.url ?? '')
    if (!body) {
      res.writeHead(404, { 'Access-Control-Allow-Origin': '*' }).end()
      return
    }
    res
      .writeHead(200, {
        'Content-Type': 'application/octet-stream',
        'Content-Length': String(body.byteLength),
        'Access-Control-Allow-Origin': '*',
        'Cross-Origin-Resource-Policy': 'cross-origin',
      })
      .end(Buffer.from(body))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return { url: `http://127.0.0.1:${port}`, server, hits }
}

function tool(page: Page, name: string) {
  return page.getByRole('toolbar', { name: 'Tools' }).getByRole('button', { name, exact: true })
}

async function clickAt(page: Page, x: number, y: number): Promise<void> {
  const [px, py] = await toPage(page, x, y)
  await page.mouse.click(px, py)
}

/** The colour the page shows `dx`, `dy` CSS px from an image point. */
async function colorNear(page: Page, x: number, y: number, dx = 3, dy = 3): Promise<number[]> {
  const [px, py] = await toPage(page, x, y)
  return pixelAt(page, px + dx, py + dy)
}

const isGreen = ([r = 0, g = 0, b = 0]: number[]) => g > r + 60 && g > b + 60
const isRed = ([r = 0, g = 0, b = 0]: number[]) => r > g + 80 && r > b + 80
const isWhite = (rgb: number[]) => rgb.every((v) => v > 215)

/** Times the annotation layer was redrawn (the renderer's stats, on the canvas element). */
async function annotationRedraws(page: Page): Promise<string | null> {
  return page.getByTestId('editor-canvas').getAttribute('data-annotation-redraws')
}

/**
 * A JPEG of `width` × `height`: a sky over a road with a dark block, like the scene PNGs (which
 * the server only makes in PNG). Large JPEGs are what the SAM worker decodes at a reduced size.
 */
function sceneJpeg(width: number, height: number): Uint8Array {
  const data = Buffer.alloc(width * height * 4)
  const horizon = Math.round(height * 0.55)
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * 4
      const block = x > width * 0.1 && x < width * 0.35 && y > horizon && y < height * 0.8
      const rgb = block ? [170, 40, 40] : y < horizon ? [150, 190, 235] : [92, 92, 96]
      data.set([...rgb, 255], o)
    }
  }
  return encodeJpeg({ data, width, height }, 85).data
}

async function uploadJpeg(
  e2e: E2E,
  projectId: string,
  token: string,
  name: string,
  bytes: Uint8Array,
) {
  const form = new FormData()
  form.append('files', new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'image/jpeg' }), name)
  const response = await fetch(`${e2e.server.url}/api/projects/${projectId}/images`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}` },
    body: form,
  })
  if (!response.ok) throw new Error(`upload: ${response.status} ${await response.text()}`)
  const { images } = (await response.json()) as { images: { id: string; jobId: string }[] }
  return images[0]!
}

/** Loads the tiny SAM pair by URL through the model dialog (S opens it when there is no model). */
async function loadModel(page: Page, url: string): Promise<void> {
  await page.keyboard.press('s')
  const dialog = page.getByTestId('sam-model-dialog')
  await dialog.waitFor({ timeout: SLOW })
  await dialog.getByLabel('Encoder URL').fill(`${url}/sam_encoder.onnx`)
  await dialog.getByLabel('Decoder URL').fill(`${url}/sam_decoder.onnx`)
  await dialog.getByRole('button', { name: 'Load from URLs' }).click()
  const status = dialog.getByTestId('sam-model-status')
  await expect.poll(() => status.textContent(), { timeout: SLOW }).toMatch(/^Ready/)
  await dialog.getByRole('button', { name: 'Done' }).click()
  await dialog.waitFor({ state: 'detached' })
}

describe('smart tools in the browser', () => {
  let e2e: E2E
  let models: Awaited<ReturnType<typeof startModelHost>>

  beforeAll(async () => {
    e2e = await startE2E()
    models = await startModelHost()
    mkdirSync(OUT, { recursive: true })
  })
  afterAll(async () => {
    await e2e?.close()
    await new Promise((resolve) => models?.server.close(resolve))
  })

  it('SAM: a model by URL, a click gives a mask that syncs; offline after a reload it still works', async () => {
    const project = await createProject(e2e, 'SAM')
    const [image] = await uploadImages(e2e, project.id, project.token, ['street-sam.png'])
    const token = await shareLink(e2e, project.id, project.token, 'annotator')
    const job = { token, projectId: project.id, jobId: image!.jobId }
    const ana = await openJob(e2e, { ...job, name: 'Ana' })
    const ben = await openJob(e2e, { ...job, name: 'Ben' })
    const page = ana.page
    const room = `job/${project.id}/${image!.jobId}`
    const stored = () =>
      e2e.server.relay.read(
        room,
        (doc: Y.Doc) => Object.values(doc.getMap('shapes').toJSON()) as StoredShape[],
      )
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true)

    // S with no model opens the model dialog. A file that is not ONNX gets a clear error.
    await page.keyboard.press('s')
    expect(await tool(page, 'SAM').getAttribute('aria-pressed')).toBe('true')
    const dialog = page.getByTestId('sam-model-dialog')
    await dialog.waitFor({ timeout: SLOW })
    await dialog.getByLabel('Encoder URL').fill(`${models.url}/not-a-model.onnx`)
    await dialog.getByLabel('Decoder URL').fill(`${models.url}/sam_decoder.onnx`)
    await dialog.getByRole('button', { name: 'Load from URLs' }).click()
    const error = dialog.getByTestId('sam-model-error')
    await error.waitFor({ timeout: SLOW })
    expect(await error.textContent()).toMatch(/Not a usable ONNX model.*not-a-model\.onnx/s)
    await page.screenshot({ path: `${OUT}/sam-model-error.png` })

    // The real pair loads (downloaded, verified, cached for offline use).
    await dialog.getByLabel('Encoder URL').fill(`${models.url}/sam_encoder.onnx`)
    await dialog.getByRole('button', { name: 'Load from URLs' }).click()
    const status = dialog.getByTestId('sam-model-status')
    await expect.poll(() => status.textContent(), { timeout: SLOW }).toMatch(/^Ready/)
    expect(await status.textContent()).toMatch(/sam_encoder\.onnx.*sam_decoder\.onnx.*sam/s)
    await page.screenshot({ path: `${OUT}/sam-model-dialog.png` })
    await dialog.getByRole('button', { name: 'Done' }).click()
    await dialog.waitFor({ state: 'detached' })

    // The image's embedding is computed once the model is there.
    const chip = page.getByTestId('sam-model-button')
    await expect.poll(() => chip.getAttribute('data-embedding'), { timeout: SLOW }).toBe('ready')

    // Hovering previews the mask under the pointer (overlay); a click fixes the prompt and
    // offers the model's candidates; Enter keeps the best as a polygon with source sam.
    await hover(page, 300, 160)
    await page.waitForTimeout(500)
    await page.screenshot({ path: `${OUT}/sam-hover-preview.png` })
    await clickAt(page, 300, 160)
    const chooser = page.getByRole('radiogroup', { name: 'Mask candidates' })
    await chooser.waitFor({ timeout: SLOW })
    expect(await chooser.getByRole('radio').count()).toBe(3)
    expect(await chooser.getByRole('radio', { checked: true }).textContent()).toMatch(/^2 0\.90/)
    await page.screenshot({ path: `${OUT}/sam-preview.png` })
    // The click is drawn on the overlay: a green disc with a white +.
    expect(isGreen(await colorNear(page, 300, 160))).toBe(true)
    expect(isWhite(await colorNear(page, 300, 160, 0, 0))).toBe(true)
    await page.keyboard.press('Enter')
    await expect.poll(() => objects(page).count(), { timeout: SLOW }).toBe(1)
    // Accepted: the prompt's marks are gone.
    await expect.poll(async () => isGreen(await colorNear(page, 300, 160))).toBe(false)
    await expect.poll(async () => (await stored()).length, { timeout: SLOW }).toBe(1)
    const [shape] = await stored()
    expect(shape!.type).toBe('polygon')
    expect(shape!.source).toBe('sam')
    // The tiny decoder's best candidate is a disc of 56 model pixels: 35 image pixels here.
    const disc = Math.PI * 35 * 35
    expect(Math.abs(area(shape!.points) - disc) / disc).toBeLessThan(0.12)
    // Ben, in another browser, sees it.
    await expect.poll(() => objects(ben.page).count(), { timeout: SLOW }).toBe(1)

    // Mask output (remembered), another candidate (C), a negative Alt+click still on it.
    await page.getByRole('radio', { name: 'Mask' }).click()
    await clickAt(page, 120, 120)
    await chooser.waitFor({ timeout: SLOW })
    await page.keyboard.press('c')
    expect(await chooser.getByRole('radio', { checked: true }).textContent()).toMatch(/^3 /)
    await page.keyboard.press('Enter')
    await expect.poll(async () => (await stored()).length, { timeout: SLOW }).toBe(2)
    const mask = (await stored()).find((s) => s.type === 'mask')
    expect(mask?.source).toBe('sam')
    // Candidate 3 is a disc of 40 model px: 25 image px, its box ~50 px wide.
    const [x1 = 0, , x2 = 0] = mask!.points
    expect(Math.abs(x2 - x1 - 50)).toBeLessThanOrEqual(3)
    await expect.poll(() => pending(page), { timeout: SLOW }).toBe('0')

    // A prompt of a click, an Alt+click and a box on the road, all drawn on the overlay (green
    // +, red −, a white box) without redrawing the annotation layer; Esc drops them all.
    const redraws = await annotationRedraws(page)
    await clickAt(page, 250, 440)
    await chooser.waitFor({ timeout: SLOW })
    await page.keyboard.down('Alt')
    await clickAt(page, 300, 440)
    await page.keyboard.up('Alt')
    await drag(page, [240, 420], [330, 465])
    await page.waitForTimeout(500)
    await page.screenshot({ path: `${OUT}/sam-prompts.png` })
    expect(isGreen(await colorNear(page, 250, 440))).toBe(true)
    expect(isRed(await colorNear(page, 300, 440))).toBe(true)
    const boxEdge = async () => {
      const [px, py] = await toPage(page, 285, 420)
      const column = [-1, 0, 1].map((d) => pixelAt(page, px, Math.round(py) + d))
      return (await Promise.all(column)).some(isWhite)
    }
    expect(await boxEdge()).toBe(true)
    expect(await annotationRedraws(page)).toBe(redraws)
    await page.keyboard.press('Escape')
    await expect.poll(async () => isRed(await colorNear(page, 300, 440))).toBe(false)
    expect(isGreen(await colorNear(page, 250, 440))).toBe(false)
    expect(await boxEdge()).toBe(false)
    expect((await stored()).length).toBe(2)

    // Offline, after a reload: the app, the model and the embedding all come from this device.
    await page.evaluate(async () => {
      await navigator.serviceWorker.ready
    })
    await ana.context.setOffline(true)
    const downloads = models.hits.length
    await page.reload()
    await imageReady(page)
    await page.keyboard.press('s')
    await expect
      .poll(() => page.getByTestId('sam-model-button').getAttribute('data-embedding'), {
        timeout: SLOW,
      })
      .toBe('ready')
    expect(models.hits.length).toBe(downloads)
    await clickAt(page, 460, 380)
    await page.getByRole('radiogroup', { name: 'Mask candidates' }).waitFor({ timeout: SLOW })
    await page.keyboard.press('Enter')
    await expect.poll(() => objects(page).count(), { timeout: SLOW }).toBe(3)
    await page.screenshot({ path: `${OUT}/sam-offline.png` })
    await ana.context.setOffline(false)
    await expect.poll(async () => (await stored()).length, { timeout: SLOW }).toBe(3)
  })

  it('SAM on a 2560 × 1920 JPEG: encoded from a reduced decode, the mask is in image pixels', async () => {
    const project = await createProject(e2e, 'SAM JPEG')
    const image = await uploadJpeg(
      e2e,
      project.id,
      project.token,
      'street.jpg',
      sceneJpeg(2560, 1920),
    )
    const token = await shareLink(e2e, project.id, project.token, 'annotator')
    const { page } = await openJob(e2e, {
      token,
      projectId: project.id,
      jobId: image.jobId,
      name: 'Jo',
    })
    const room = `job/${project.id}/${image.jobId}`
    const stored = () =>
      e2e.server.relay.read(
        room,
        (doc: Y.Doc) => Object.values(doc.getMap('shapes').toJSON()) as StoredShape[],
      )
    await loadModel(page, models.url)
    const chip = page.getByTestId('sam-model-button')
    await expect.poll(() => chip.getAttribute('data-embedding'), { timeout: SLOW }).toBe('ready')
    // Same aspect as the 640 × 480 scenes: toPage's (300, 160) is image pixel (1200, 640).
    await clickAt(page, 300, 160)
    await page.getByRole('radiogroup', { name: 'Mask candidates' }).waitFor({ timeout: SLOW })
    await page.screenshot({ path: `${OUT}/sam-jpeg-preview.png` })
    await page.keyboard.press('Enter')
    await expect.poll(async () => (await stored()).length, { timeout: SLOW }).toBe(1)
    const [shape] = await stored()
    expect(shape!.source).toBe('sam')
    // The best candidate is a disc of 56 model px around the click: 56 × 2560 / 1024 = 140 image
    // px. Had the encoder taken the decoded size for the image's, it would be 56 px at (300, 160).
    const disc = Math.PI * 140 * 140
    expect(Math.abs(area(shape!.points) - disc) / disc).toBeLessThan(0.12)
    const xs = shape!.points.filter((_, i) => i % 2 === 0)
    const ys = shape!.points.filter((_, i) => i % 2 === 1)
    expect(Math.abs((Math.min(...xs) + Math.max(...xs)) / 2 - 1200)).toBeLessThan(12)
    expect(Math.abs((Math.min(...ys) + Math.max(...ys)) / 2 - 640)).toBeLessThan(12)
  })

  it('magic wand: a click in a filled block gives a polygon of its area, with no model', async () => {
    const project = await createProject(e2e, 'Wand')
    const [image] = await uploadImages(e2e, project.id, project.token, ['street-wand.png'])
    const token = await shareLink(e2e, project.id, project.token, 'annotator')
    const { page } = await openJob(e2e, {
      token,
      projectId: project.id,
      jobId: image!.jobId,
      name: 'Wanda',
    })
    const room = `job/${project.id}/${image!.jobId}`
    const stored = () =>
      e2e.server.relay.read(
        room,
        (doc: Y.Doc) => Object.values(doc.getMap('shapes').toJSON()) as StoredShape[],
      )
    // The scene's red block (api.ts scenePng, variant 0): 150 × 70 at (80, 304).
    await page.keyboard.press('w')
    expect(await tool(page, 'Magic wand').getAttribute('aria-pressed')).toBe('true')
    await page.getByRole('radio', { name: 'Polygon' }).click()
    await clickAt(page, 150, 340)
    await page.waitForTimeout(1500)
    await page.screenshot({ path: `${OUT}/wand-preview.png` })
    await page.keyboard.press('Enter')
    await expect.poll(async () => (await stored()).length, { timeout: SLOW }).toBe(1)
    const [shape] = await stored()
    expect(shape!.type).toBe('polygon')
    // An assisted outline: DESIGN §2's `sam` (CVAT's semi-auto), not `manual`.
    expect(shape!.source).toBe('sam')
    expect(Math.abs(area(shape!.points) - 150 * 70) / (150 * 70)).toBeLessThan(0.03)
    const xs = shape!.points.filter((_, i) => i % 2 === 0)
    const ys = shape!.points.filter((_, i) => i % 2 === 1)
    expect(Math.min(...xs)).toBeCloseTo(80, -0.5)
    expect(Math.max(...xs)).toBeCloseTo(230, -0.5)
    expect(Math.min(...ys)).toBeCloseTo(304, -0.5)
    expect(Math.max(...ys)).toBeCloseTo(374, -0.5)

    // Intelligent scissors around the same block: anchors at three corners, double click closes.
    await page.keyboard.press('i')
    await clickAt(page, 80, 304)
    await hover(page, 229, 304)
    await clickAt(page, 229, 304)
    await hover(page, 229, 373)
    await clickAt(page, 229, 373)
    await hover(page, 80, 373)
    const [px, py] = await toPage(page, 80, 373)
    await page.mouse.dblclick(px, py)
    await expect.poll(async () => (await stored()).length, { timeout: SLOW }).toBe(2)
    const cut = (await stored()).find((s) => s !== shape && s.type === 'polygon')
    expect(cut).toBeDefined()
    expect(cut!.source).toBe('sam')
    // The outline follows the block's edges: about its area.
    expect(Math.abs(area(cut!.points) - 149 * 69) / (149 * 69)).toBeLessThan(0.15)
  })
})
