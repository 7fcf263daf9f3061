import { readFile, stat } from 'node:fs/promises'
import { extname, resolve, sep } from 'node:path'
import type { MiddlewareHandler } from 'hono'

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
  '.onnx': 'application/octet-stream',
}

/** Vite's content-hashed output: safe to cache forever. */
const HASHED_ASSETS = '/assets/'
const IMMUTABLE = 'public, max-age=31536000, immutable'
/** Everything else (index.html, the service worker, the manifest) must be revalidated. */
const REVALIDATE = 'no-cache'

/**
 * Cross-origin isolation for the app's pages, scripts and workers, so onnxruntime-web can use
 * SharedArrayBuffer (multithreaded SAM). Everything the app loads is same-origin (API, blobs,
 * assets); a model from another origin is fetched with CORS, which `require-corp` allows.
 */
export const ISOLATION_HEADERS: Readonly<Record<string, string>> = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
}

const isServerPath = (path: string) =>
  path === '/api' || path.startsWith('/api/') || path === '/sync' || path.startsWith('/sync/')

async function fileIn(root: string, urlPath: string): Promise<string | null> {
  let decoded: string
  try {
    decoded = decodeURIComponent(urlPath)
  } catch {
    return null
  }
  if (decoded.includes('\0')) return null
  const file = resolve(root, '.' + decoded)
  if (file !== root && !file.startsWith(root + sep)) return null
  const info = await stat(file).catch(() => null)
  return info?.isFile() ? file : null
}

/**
 * Serves the built client from `clientDir`: its files, and `index.html` for any other GET outside
 * `/api` and `/sync` (the client routes in the browser). Missing hashed assets are 404s, never
 * the page, so a stale tab gets a clear failure instead of HTML parsed as JavaScript. Passes the
 * request on when the client is not built.
 */
export function serveClient(clientDir: string): MiddlewareHandler {
  const root = resolve(clientDir)
  const index = resolve(root, 'index.html')
  return async (c, next) => {
    const path = c.req.path
    if (isServerPath(path)) return next()
    const file = path === '/' ? null : await fileIn(root, path)
    if (file) {
      const type = CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream'
      const cache = path.startsWith(HASHED_ASSETS) ? IMMUTABLE : REVALIDATE
      return c.body(await readFile(file), 200, {
        ...ISOLATION_HEADERS,
        'Content-Type': type,
        'Cache-Control': cache,
      })
    }
    if (path.startsWith(HASHED_ASSETS)) return next()
    const page = await readFile(index).catch(() => null)
    if (!page) return next()
    return c.body(page, 200, {
      ...ISOLATION_HEADERS,
      'Content-Type': CONTENT_TYPES['.html']!,
      'Cache-Control': REVALIDATE,
    })
  }
}
