import { startServer } from './server'

const server = await startServer()
const publicBase = server.config.publicUrl ?? `http://localhost:${server.port}`
server.logger.info('loupe listening', { url: server.url, dataDir: server.config.dataDir })
process.stdout.write(
  `\nLoupe is running. Open ${publicBase}/?token=${server.config.adminToken}\n\n`,
)

let stopping = false
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    if (stopping) return
    stopping = true
    server.logger.info('shutting down: flushing rooms', { signal })
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        server.logger.error('shutdown failed', { error: String(error) })
        process.exit(1)
      },
    )
  })
}
