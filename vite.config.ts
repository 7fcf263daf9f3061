import { fileURLToPath } from 'node:url'
import { deflateSync } from 'node:zlib'
import react from '@vitejs/plugin-react'
import { defineConfig } from 'vite'
import type { Plugin } from 'vite'
import { VitePWA } from 'vite-plugin-pwa'

const root = fileURLToPath(new URL('./client', import.meta.url))
const outDir = fileURLToPath(new URL('./dist/client', import.meta.url))

/**
 * Cross-origin isolation, exactly as the sync server sends it with the built client
 * (`ISOLATION_HEADERS` in sync-server/src/http/static.ts): without it there is no
 * SharedArrayBuffer, and onnxruntime-web runs SAM on one thread in `vite` and `vite preview`.
 */
const ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
}

// The client is built into dist/client and served by the sync server (`npm start`).
// `npm run dev` serves it with hot reload and proxies /api and /sync to a server on :8787.
export default defineConfig({
  root,
  plugins: [
    react(),
    loupeIcons(),
    VitePWA({
      // An update waits for the user (ReloadPrompt): it must never drop work.
      registerType: 'prompt',
      injectRegister: false,
      manifest: {
        name: 'Loupe',
        short_name: 'Loupe',
        description: 'Local-first, collaborative image annotation',
        start_url: '/',
        scope: '/',
        display: 'standalone',
        background_color: '#1f2430',
        theme_color: '#1f2430',
        icons: [
          { src: 'icons/icon-192.png', sizes: '192x192', type: 'image/png' },
          { src: 'icons/icon-512.png', sizes: '512x512', type: 'image/png' },
          {
            src: 'icons/icon-maskable-512.png',
            sizes: '512x512',
            type: 'image/png',
            purpose: 'maskable',
          },
        ],
      },
      workbox: {
        // The app shell only: never the API, the sync socket, models or wasm.
        globPatterns: ['**/*.{js,css,html,svg,png,webmanifest}'],
        navigateFallback: 'index.html',
        navigateFallbackDenylist: [/^\/api(\/|$)/, /^\/sync(\/|$)/],
        cleanupOutdatedCaches: true,
        runtimeCaching: [
          {
            // onnxruntime's wasm: cached on first use, in its own cache. SAM models are cached
            // by the SAM worker itself (Cache Storage `loupe-sam-models`), not here.
            urlPattern: ({ url }) => /\.wasm$/i.test(url.pathname),
            handler: 'CacheFirst',
            options: {
              cacheName: 'loupe-models',
              expiration: { maxEntries: 16 },
              cacheableResponse: { statuses: [0, 200] },
              rangeRequests: true,
            },
          },
        ],
      },
    }),
  ],
  build: { outDir, emptyOutDir: true, sourcemap: true },
  worker: { format: 'es' },
  // onnxruntime-web (SAM worker) loads its wasm by URL: keep it out of dev pre-bundling.
  optimizeDeps: { exclude: ['onnxruntime-web'] },
  server: {
    headers: ISOLATION_HEADERS,
    proxy: {
      '/api': 'http://localhost:8787',
      '/sync': { target: 'ws://localhost:8787', ws: true },
    },
  },
  // `vite preview` serves dist/client as the server would (its proxy defaults to server.proxy).
  preview: { headers: ISOLATION_HEADERS },
})

/** App icons drawn here (no copied art): emitted at build, served in dev. */
function loupeIcons(): Plugin {
  const icons: Record<string, () => Buffer> = {
    'icons/icon-192.png': () => drawIcon(192, false),
    'icons/icon-512.png': () => drawIcon(512, false),
    'icons/icon-maskable-512.png': () => drawIcon(512, true),
    'icons/apple-touch-icon.png': () => drawIcon(180, true),
  }
  return {
    name: 'loupe-icons',
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const draw = icons[(req.url ?? '').replace(/^\//, '').split('?')[0]!]
        if (!draw) return next()
        res.setHeader('Content-Type', 'image/png')
        res.end(draw())
      })
    },
    generateBundle() {
      for (const [fileName, draw] of Object.entries(icons)) {
        this.emitFile({ type: 'asset', fileName, source: draw() })
      }
    },
  }
}

type Rgba = [number, number, number, number]

/**
 * The Loupe mark: a magnifier over a dashed selection box on a dark tile, rendered with 4×4
 * supersampling. `maskable` fills the whole square and keeps the mark in the safe zone.
 */
function drawIcon(size: number, maskable: boolean): Buffer {
  const bg: Rgba = [31, 36, 48, 255]
  const tile: Rgba = [42, 48, 64, 255]
  const amber: Rgba = [240, 180, 80, 255]
  const blue: Rgba = [107, 144, 255, 255]
  const glass: Rgba = [79, 124, 255, 70]
  // mark coordinates on a 64-unit grid; maskable art sits in the central 80 %
  const scale = maskable ? 0.8 : 1
  const toUnits = (p: number) => ((p / size) * 64 - 32) / scale + 32
  const sample = (x: number, y: number): Rgba => {
    let color: Rgba = [0, 0, 0, 0]
    const over = (c: Rgba) => {
      const a = c[3] / 255
      color = [
        c[0] * a + color[0] * (1 - a),
        c[1] * a + color[1] * (1 - a),
        c[2] * a + color[2] * (1 - a),
        255 * (a + (color[3] / 255) * (1 - a)),
      ]
    }
    if (maskable) over(bg)
    const ux = toUnits(x)
    const uy = toUnits(y)
    // rounded tile
    const d = roundedBox(ux - 32, uy - 32, 26, 26, 12)
    if (d <= 0) over(tile)
    // dashed selection box (14..40)
    const edge = Math.abs(roundedBox(ux - 27, uy - 27, 13, 13, 2))
    const along = (ux + uy) % 8
    if (edge <= 1.25 && along < 5) over(amber)
    // lens glass, ring and handle
    const r = Math.hypot(ux - 30, uy - 30)
    if (r <= 12) over(glass)
    if (Math.abs(r - 12) <= 2.5) over(blue)
    if (segmentDistance(ux, uy, 39, 39, 50, 50) <= 3.5) over(blue)
    return color
  }
  const raw = Buffer.alloc(size * (size * 4 + 1))
  const n = size > 256 ? 2 : 3
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0
    for (let x = 0; x < size; x++) {
      let r = 0
      let g = 0
      let b = 0
      let a = 0
      for (let sy = 0; sy < n; sy++) {
        for (let sx = 0; sx < n; sx++) {
          const c = sample(x + (sx + 0.5) / n, y + (sy + 0.5) / n)
          const alpha = c[3] / 255
          r += c[0] * alpha
          g += c[1] * alpha
          b += c[2] * alpha
          a += alpha
        }
      }
      const o = y * (size * 4 + 1) + 1 + x * 4
      raw[o] = a > 0 ? Math.round(r / a) : 0
      raw[o + 1] = a > 0 ? Math.round(g / a) : 0
      raw[o + 2] = a > 0 ? Math.round(b / a) : 0
      raw[o + 3] = Math.round((255 * a) / (n * n))
    }
  }
  return encodePng(size, size, raw)
}

function roundedBox(x: number, y: number, hw: number, hh: number, radius: number): number {
  const qx = Math.abs(x) - hw + radius
  const qy = Math.abs(y) - hh + radius
  return Math.hypot(Math.max(qx, 0), Math.max(qy, 0)) + Math.min(Math.max(qx, qy), 0) - radius
}

function segmentDistance(px: number, py: number, ax: number, ay: number, bx: number, by: number) {
  const t = Math.max(
    0,
    Math.min(
      1,
      ((px - ax) * (bx - ax) + (py - ay) * (by - ay)) / ((bx - ax) ** 2 + (by - ay) ** 2),
    ),
  )
  return Math.hypot(px - (ax + t * (bx - ax)), py - (ay + t * (by - ay)))
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
  return c >>> 0
})

function crc32(bytes: Buffer): number {
  let c = 0xffffffff
  for (const byte of bytes) c = CRC_TABLE[(c ^ byte) & 0xff]! ^ (c >>> 8)
  return (c ^ 0xffffffff) >>> 0
}

/** An RGBA PNG from filtered scanlines (filter byte 0 + pixels per row). */
function encodePng(width: number, height: number, scanlines: Buffer): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const length = Buffer.alloc(4)
    length.writeUInt32BE(data.length)
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data])
    const crc = Buffer.alloc(4)
    crc.writeUInt32BE(crc32(body))
    return Buffer.concat([length, body, crc])
  }
  const header = Buffer.alloc(13)
  header.writeUInt32BE(width, 0)
  header.writeUInt32BE(height, 4)
  header[8] = 8 // bit depth
  header[9] = 6 // RGBA
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(scanlines, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ])
}
