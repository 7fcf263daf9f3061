// `npm start`: builds the client when dist/client is missing or older than its sources, then
// runs the server (embedded storage) in a child process and forwards stop signals to it.
import { spawn } from 'node:child_process'
import { buildClientIfStale } from './build-client.mjs'

try {
  buildClientIfStale()
} catch (error) {
  console.error(String(error))
  process.exit(1)
}

const server = spawn(process.execPath, ['--import', 'tsx', 'sync-server/src/main.ts'], {
  stdio: 'inherit',
})
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => server.kill(signal))
}
server.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)))
