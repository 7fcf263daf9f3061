/**
 * Child-process entry: one Loupe instance in cluster mode (config as JSON in
 * BENCH_INSTANCE_CONFIG); prints `{"port":N}` once listening and stops on SIGTERM.
 */
import { startServer } from '@loupe/sync-server'

const config = process.env.BENCH_INSTANCE_CONFIG
if (!config) throw new Error('BENCH_INSTANCE_CONFIG is required')
const server = await startServer({ env: {}, config: JSON.parse(config) })
process.stdout.write(JSON.stringify({ port: server.port }) + '\n')
process.on('SIGTERM', () => {
  server.close().then(
    () => process.exit(0),
    () => process.exit(1),
  )
})
