import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { chromium } from 'playwright-core'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { startServer } from '@loupe/sync-server'
import type { LoupeServer } from '@loupe/sync-server'

export const ADMIN_TOKEN = 'e2e-admin-token-'.padEnd(32, 'a')

/** Debian's Chromium, headless; WebGL runs on SwiftShader (no GPU on this machine or in CI). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--use-angle=swiftshader',
      '--enable-unsafe-swiftshader',
    ],
  })
}

export interface E2E {
  server: LoupeServer
  browser: Browser
  dataDir: string
  /** A fresh browser profile (one annotator), opened at `path` (e.g. `/?token=…`). */
  user(path: string): Promise<{ context: BrowserContext; page: Page }>
  close(): Promise<void>
}

/** A real server (embedded storage in a temp dir) serving the built client, and a browser. */
export async function startE2E(): Promise<E2E> {
  const dataDir = mkdtempSync(join(tmpdir(), 'loupe-e2e-'))
  const server = await startServer({
    config: {
      port: 0,
      host: '127.0.0.1',
      dataDir,
      clientDir: resolve('dist/client'),
      logLevel: 'warn',
      secret: 'e2e-secret-'.padEnd(32, 's'),
      adminToken: ADMIN_TOKEN,
    },
  })
  const browser = await launchChromium()
  const contexts: BrowserContext[] = []
  return {
    server,
    browser,
    dataDir,
    async user(path) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 } })
      contexts.push(context)
      const page = await context.newPage()
      page.on('pageerror', (error) => console.error(`[page error] ${error.message}`))
      await page.goto(server.url + path)
      return { context, page }
    },
    async close() {
      for (const context of contexts) await context.close().catch(() => undefined)
      await browser.close()
      await server.close()
      rmSync(dataDir, { recursive: true, force: true })
    },
  }
}
