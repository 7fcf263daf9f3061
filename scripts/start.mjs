// `npm start`: builds the client when dist/client is missing or older than its sources, then
// runs the server (embedded storage) in this process's child and forwards stop signals to it.
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'

const BUILD_MARKER = 'dist/client/index.html'
const SOURCES = ['client', 'packages', 'vite.config.ts', 'package-lock.json']
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

const built = existsSync(BUILD_MARKER) ? statSync(BUILD_MARKER).mtimeMs : 0
const sources = Math.max(...SOURCES.map(newestMtime))
if (built < sources) {
  console.log(built === 0 ? 'Building the client…' : 'Client sources changed; rebuilding…')
  const result = spawnSync('npx', ['vite', 'build', '--logLevel', 'warn'], { stdio: 'inherit' })
  if (result.status !== 0) process.exit(result.status ?? 1)
}

const server = spawn(process.execPath, ['--import', 'tsx', 'sync-server/src/main.ts'], {
  stdio: 'inherit',
})
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => server.kill(signal))
}
server.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)))
