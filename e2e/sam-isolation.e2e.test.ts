import { resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser } from 'playwright-core'
import { createServer, preview } from 'vite'
import type { PreviewServer, ViteDevServer } from 'vite'
import { startE2E } from './harness'
import type { E2E } from './harness'

// Multithreaded SAM needs SharedArrayBuffer, which needs a cross-origin isolated page. The sync
// server sends the isolation headers with the built client; `vite` (dev) and `vite preview` must
// send the same ones, or SAM silently runs on one thread there.

const CONFIG = resolve('vite.config.ts')

function isolationHeaders(headers: Headers): Record<string, string> {
  const out: Record<string, string> = {}
  headers.forEach((value, name) => {
    if (name.toLowerCase().startsWith('cross-origin-')) out[name.toLowerCase()] = value
  })
  return out
}

async function isolated(browser: Browser, url: string): Promise<boolean> {
  const context = await browser.newContext()
  try {
    const page = await context.newPage()
    await page.goto(url)
    return await page.evaluate(() => crossOriginIsolated)
  } finally {
    await context.close()
  }
}

describe('cross-origin isolation outside the sync server', () => {
  let e2e: E2E
  let dev: ViteDevServer
  let previewServer: PreviewServer
  let devUrl: string
  let previewUrl: string

  beforeAll(async () => {
    e2e = await startE2E()
    dev = await createServer({
      configFile: CONFIG,
      logLevel: 'error',
      server: { host: '127.0.0.1', port: 0, strictPort: false, hmr: false },
    })
    await dev.listen()
    devUrl = dev.resolvedUrls!.local[0]!
    previewServer = await preview({
      configFile: CONFIG,
      logLevel: 'error',
      preview: { host: '127.0.0.1', port: 0, strictPort: false },
    })
    previewUrl = previewServer.resolvedUrls!.local[0]!
  })
  afterAll(async () => {
    await dev?.close()
    await new Promise<void>((done) => previewServer?.httpServer.close(() => done()))
    await e2e?.close()
  })

  it('vite dev and vite preview send the headers the sync server sends', async () => {
    const server = isolationHeaders((await fetch(e2e.server.url + '/')).headers)
    expect(server).toMatchObject({
      'cross-origin-opener-policy': 'same-origin',
      'cross-origin-embedder-policy': 'require-corp',
    })
    expect(isolationHeaders((await fetch(devUrl)).headers)).toEqual(server)
    expect(isolationHeaders((await fetch(previewUrl)).headers)).toEqual(server)
    // The SAM worker's script too (a worker's own COEP decides whether it may use threads).
    const worker = await fetch(new URL('/@fs' + resolve('worker/src/sam.worker.ts'), devUrl))
    expect(worker.status).toBe(200)
    expect(isolationHeaders(worker.headers)).toEqual(server)
  })

  it('the app page is cross-origin isolated in dev and in preview', async () => {
    expect(await isolated(e2e.browser, devUrl)).toBe(true)
    expect(await isolated(e2e.browser, previewUrl)).toBe(true)
  })
})
