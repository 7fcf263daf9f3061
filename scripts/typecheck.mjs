// Typechecks every workspace with its own tsconfig (DOM for the client, Node for the server,
// neither for pure packages), then the root files. Exits non-zero on the first failure.
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync } from 'node:fs'

const projects = [
  ...readdirSync('packages')
    .sort()
    .flatMap((name) => [`packages/${name}`, `packages/${name}/test`]),
  'sync-server',
  'cli',
  'worker',
  'client',
  '.',
]
let failed = false
for (const dir of projects) {
  const config = `${dir}/tsconfig.json`
  if (!existsSync(config)) continue
  const result = spawnSync('npx', ['tsc', '-p', config], { stdio: 'inherit' })
  if (result.status !== 0) {
    console.error(`typecheck failed in ${dir}`)
    failed = true
  }
}
process.exit(failed ? 1 : 0)
