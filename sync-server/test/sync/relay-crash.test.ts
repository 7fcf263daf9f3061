import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import { TokenService } from '../../src/index'
import { ADMIN_TOKEN, RawClient, SECRET, diskDoc, removeDir, snapshotOf, tempDir } from './helpers'

const FIXTURE = fileURLToPath(new URL('./fixtures/server-process.ts', import.meta.url))
const ROOM = 'project/crash'

/** Starts the server in a child process (tsx) and resolves with its ws URL once it listens. */
async function spawnServer(dataDir: string): Promise<{ child: ChildProcess; wsUrl: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', FIXTURE], {
    env: { ...process.env, LOUPE_TEST_DATA_DIR: dataDir },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const lines = createInterface({ input: child.stdout! })
  const port = await new Promise<number>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`server exited early (${code})`)))
    lines.on('line', (line) => {
      if (line.startsWith('{')) resolve((JSON.parse(line) as { port: number }).port)
    })
  })
  return { child, wsUrl: `ws://127.0.0.1:${port}/sync` }
}

describe('relay: crash safety', () => {
  const dirs: string[] = []
  const children: ChildProcess[] = []
  afterEach(() => {
    for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL')
    for (const dir of dirs.splice(0)) removeDir(dir)
  })

  it('after kill -9, a restarted server has every update it acknowledged', async () => {
    const dataDir = tempDir()
    dirs.push(dataDir)
    const token = (
      await new TokenService(SECRET, ADMIN_TOKEN).issue({ projectId: 'crash', role: 'manager' })
    ).token
    const first = await spawnServer(dataDir)
    children.push(first.child)

    const writer = new RawClient(first.wsUrl, ROOM, token)
    await writer.opensAndSyncs()
    const labels = writer.doc.getMap('labels')
    for (let i = 0; i < 200; i++) labels.set(`l${i}`, { name: `label ${i}` })
    await writer.allAcked()
    const acked = snapshotOf(writer.doc)
    // more edits in flight while the process dies: not acknowledged, so not promised
    for (let i = 200; i < 260; i++) labels.set(`l${i}`, { name: `label ${i}` })
    first.child.kill('SIGKILL')
    await new Promise((resolve) => first.child.once('exit', resolve))
    await writer.closes()

    const onDisk = diskDoc(dataDir, ROOM)
    for (let i = 0; i < 200; i++) expect(onDisk.getMap('labels').has(`l${i}`)).toBe(true)

    const second = await spawnServer(dataDir)
    children.push(second.child)
    const reader = new RawClient(second.wsUrl, ROOM, token)
    await reader.opensAndSyncs()
    const readerLabels = reader.doc.getMap('labels').toJSON()
    for (const [key, value] of Object.entries((acked as { labels: object }).labels)) {
      expect(readerLabels[key]).toEqual(value)
    }
    reader.close()
    second.child.kill('SIGTERM')
    await new Promise((resolve) => second.child.once('exit', resolve))
  })
})
