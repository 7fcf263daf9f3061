// The PNG decode page (page/) in headless Chromium: built with Vite, served from Node with the
// images, and the memory of the browser's processes read from /proc (Linux).

import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import { tmpdir } from 'node:os'
import { extname, join, normalize } from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium, type Browser, type Page } from 'playwright-core'
import { build } from 'vite'
import type { DecodeFailure, DecodeRequest, DecodeSuccess, PageResult } from './page/protocol'

const pageRoot = fileURLToPath(new URL('./page', import.meta.url))
const TYPES: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.png': 'image/png',
}

/**
 * Builds the page into a temp folder; returns the folder. `checkout`: build the page of another
 * copy of the repository instead (e.g. the commit before a change, for a before/after bench),
 * with its own @loupe/imaging.
 */
export async function buildDecodePage(checkout?: string): Promise<string> {
  const outDir = mkdtempSync(join(tmpdir(), 'loupe-png-page-'))
  await build({
    root: checkout ? join(checkout, 'bench/imaging/page') : pageRoot,
    configFile: false,
    logLevel: 'warn',
    resolve: checkout
      ? { alias: { '@loupe/imaging': join(checkout, 'packages/imaging/src/index.ts') } }
      : {},
    build: { outDir, emptyOutDir: true, minify: true, target: 'es2022' },
    worker: { format: 'es' },
  })
  return outDir
}

/** Serves the built page, and `images` (name → file path or bytes) under /images/. */
export function serveDecodePage(
  dir: string,
  images: Record<string, string | Uint8Array>,
): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname))
    const image = path.startsWith('/images/') ? images[path.slice('/images/'.length)] : undefined
    if (image !== undefined) {
      const body = typeof image === 'string' ? readFileSync(image) : image
      res.writeHead(200, { 'content-type': 'image/png', 'content-length': body.length }).end(body)
      return
    }
    const file = join(dir, path === '/' ? 'index.html' : path)
    if (!file.startsWith(dir) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404).end()
      return
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' })
    res.end(readFileSync(file))
  })
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address ? address.port : 0
      resolve({ server, url: `http://127.0.0.1:${port}/` })
    })
  })
}

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update'],
  })
}

export async function openDecodePage(browser: Browser, url: string): Promise<Page> {
  const page = await browser.newPage()
  page.on('pageerror', (e) => console.error('page error:', e.message))
  await page.goto(url)
  await page.waitForFunction(() => 'loupePng' in window)
  return page
}

export type PageDecodeResult = (Omit<DecodeSuccess, 'data'> & { data: Uint8Array }) | DecodeFailure

const withData = (result: PageResult): PageDecodeResult => {
  if (!result.ok) return result
  const { base64, ...rest } = result
  return { ...rest, data: new Uint8Array(Buffer.from(base64, 'base64')) }
}

/** One decode in a fresh worker of the page. */
export async function decodeInPage(page: Page, request: DecodeRequest): Promise<PageDecodeResult> {
  return withData(await page.evaluate((r) => window.loupePng.decode(r), request))
}

/** Decodes one after another in one worker of the page (many small files). */
export async function decodeAllInPage(
  page: Page,
  requests: DecodeRequest[],
): Promise<PageDecodeResult[]> {
  const results = await page.evaluate((r) => window.loupePng.decodeAll(r), requests)
  return results.map(withData)
}

/** Processes descended from this one (the browser and its children), by pid. */
function descendants(): number[] {
  const parents = new Map<number, number>()
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8')
      // pid (comm) state ppid ...: comm may hold spaces and parentheses.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])
      parents.set(Number(name), ppid)
    } catch {
      // The process ended meanwhile.
    }
  }
  const mine = new Set([process.pid])
  let grew = true
  while (grew) {
    grew = false
    for (const [pid, ppid] of parents) {
      if (!mine.has(pid) && mine.has(ppid)) {
        mine.add(pid)
        grew = true
      }
    }
  }
  mine.delete(process.pid)
  return [...mine]
}

function statusKb(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  try {
    const match = new RegExp(`${field}:\\s+(\\d+) kB`).exec(
      readFileSync(`/proc/${pid}/status`, 'utf8'),
    )
    return Number(match?.[1] ?? 0)
  } catch {
    return 0
  }
}

/** The Chromium process type from its command line: browser, renderer, gpu-process, utility. */
function processType(pid: number): string {
  try {
    const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split(/[\0 ]/)
    const type = args.find((a) => a.startsWith('--type='))
    return type ? type.slice('--type='.length) : 'browser'
  } catch {
    return 'gone'
  }
}

/**
 * Samples the browser processes' memory every `everyMs` until stopped: the peak of their summed
 * RSS, and at the stop the largest peak (VmHWM) among the processes of each type; the renderer's
 * is where a worker's decoding shows.
 */
export function sampleBrowserMemory(everyMs = 20): {
  stop(): { peakTotalMb: number; startTotalMb: number; peakByTypeMb: Record<string, number> }
} {
  const total = () => descendants().reduce((sum, pid) => sum + statusKb(pid, 'VmRSS'), 0)
  const startTotal = total()
  let peak = startTotal
  const timer = setInterval(() => {
    peak = Math.max(peak, total())
  }, everyMs)
  const mb = (kb: number) => Math.round(kb / 1024)
  return {
    stop() {
      clearInterval(timer)
      peak = Math.max(peak, total())
      const peakByTypeMb: Record<string, number> = {}
      for (const pid of descendants()) {
        const type = processType(pid)
        peakByTypeMb[type] = Math.max(peakByTypeMb[type] ?? 0, mb(statusKb(pid, 'VmHWM')))
      }
      return { peakTotalMb: mb(peak), startTotalMb: mb(startTotal), peakByTypeMb }
    },
  }
}
