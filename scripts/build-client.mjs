// Builds the client into dist/client when that build is missing or older than its sources.
// Used by `npm start` and the browser tests.
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'

const BUILD_MARKER = 'dist/client/index.html'
const SOURCES = ['client', 'packages', 'worker', 'vite.config.ts', 'package-lock.json']
const SKIP = new Set(['node_modules', 'dist', '.vite'])

/** Newest modification time (ms) of any file under `path`. */
function newestMtime(path) {
  if (!existsSync(path)) return 0
  const stat = statSync(path)
  if (!stat.isDirectory()) return stat.mtimeMs
  let newest = 0
  for (const entry of readdirSync(path)) {
    if (SKIP.has(entry) || entry.endsWith('.test.ts')) continue
    newest = Math.max(newest, newestMtime(join(path, entry)))
  }
  return newest
}

/** Returns true when it built, false when the build was fresh; throws when the build fails. */
export function buildClientIfStale({ log = console.log } = {}) {
  const built = existsSync(BUILD_MARKER) ? statSync(BUILD_MARKER).mtimeMs : 0
  const sources = Math.max(...SOURCES.map(newestMtime))
  if (built >= sources) return false
  log(built === 0 ? 'Building the client…' : 'Client sources changed; rebuilding…')
  const result = spawnSync('npx', ['vite', 'build', '--logLevel', 'warn'], { stdio: 'inherit' })
  if (result.status !== 0) throw new Error(`client build failed (exit ${result.status})`)
  return true
}
