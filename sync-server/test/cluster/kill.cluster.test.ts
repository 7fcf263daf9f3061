import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { TokenService } from '../../src/index'
import { RawClient, sameContent, waitFor } from '../sync/helpers'
import type { CloseInfo } from '../sync/helpers'
import { TcpBalancer } from './balancer'
import { ADMIN_TOKEN, SECRET, instanceConfig, storedInPostgres } from './cluster'
import type { TestCluster } from './cluster'
import { dropSchema, freshNamespace } from './env'

const FIXTURE = fileURLToPath(new URL('./fixtures/instance-process.ts', import.meta.url))
const ROOM = 'job/kill/j1'

interface Instance {
  child: ChildProcess
  port: number
}

async function spawnInstance(config: object): Promise<Instance> {
  const child = spawn(process.execPath, ['--import', 'tsx', FIXTURE], {
    env: { ...process.env, LOUPE_TEST_INSTANCE_CONFIG: JSON.stringify(config) },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const lines = createInterface({ input: child.stdout! })
  const port = await new Promise<number>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`instance exited early (${code})`)))
    lines.on('line', (line) => {
      if (line.startsWith('{')) resolve((JSON.parse(line) as { port: number }).port)
    })
  })
  return { child, port }
}

/**
 * A writer as the Loupe client behaves: one document, a socket through the balancer that is
 * reopened whenever it closes (reconnect resyncs by state vectors), and the highest clock of its
 * own client id the server has durably acknowledged (only `map.set` of strings: one clock each).
 */
class Writer {
  readonly doc = new Y.Doc()
  client: RawClient
  confirmed = 0
  reconnects = 0
  /** How each of its sockets was closed. */
  readonly closes: CloseInfo[] = []
  #stopped = false

  constructor(
    readonly url: string,
    readonly token: string,
  ) {
    this.client = this.#connect()
  }

  #connect(): RawClient {
    const client = new RawClient(this.url, ROOM, this.token, { doc: this.doc })
    const poll = setInterval(() => {
      const acked = client.ackClocks.get(this.doc.clientID)
      if (acked !== undefined) this.confirmed = Math.max(this.confirmed, acked)
      if (client.closed !== null) {
        clearInterval(poll)
        this.closes.push(client.closed)
        if (!this.#stopped) {
          this.reconnects++
          setTimeout(() => {
            if (!this.#stopped) this.client = this.#connect()
          }, 50)
        }
      }
    }, 5)
    return client
  }

  close(): void {
    this.#stopped = true
    this.client.close()
  }
}

describe('cluster: kill -9 of an instance while clients edit', () => {
  const children: ChildProcess[] = []
  const cleanups: Array<() => Promise<void> | void> = []
  afterEach(async () => {
    for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL')
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
  })

  it('its clients reconnect to another instance and no confirmed update is lost', async () => {
    const namespace = freshNamespace()
    const dataDir = mkdtempSync(join(tmpdir(), 'loupe-kill-'))
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }))
    cleanups.push(() => dropSchema(namespace.schema))
    const config = instanceConfig(namespace, dataDir, { relay: { compactAfterEntries: 50 } })
    const first = await spawnInstance(config)
    children.push(first.child)
    const instances = [
      first,
      ...(await Promise.all([spawnInstance(config), spawnInstance(config)])),
    ]
    for (const instance of instances) children.push(instance.child)
    const alive = new Set(instances)
    const balancer = new TcpBalancer(() => [...alive].map((instance) => instance.port))
    const port = await balancer.listen()
    cleanups.push(() => balancer.close())

    const token = (
      await new TokenService(SECRET, ADMIN_TOKEN).issue({ projectId: 'kill', role: 'annotator' })
    ).token
    const writers = Array.from(
      { length: 6 },
      () => new Writer(`ws://127.0.0.1:${port}/sync`, token),
    )
    cleanups.push(() => writers.forEach((writer) => writer.close()))
    await Promise.all(writers.map((writer) => writer.client.opensAndSyncs()))
    const victim = instances[1]!
    const onVictim = balancer.assigned.filter((p) => p === victim.port).length
    expect(onVictim).toBeGreaterThan(0)

    let written = 0
    const write = () => {
      for (const [i, writer] of writers.entries()) {
        writer.doc.getMap<string>('kept').set(`w${i}-${written}`, 'x')
      }
      written++
    }
    for (let i = 0; i < 60; i++) {
      write()
      await new Promise((resolve) => setTimeout(resolve, 5))
    }
    victim.child.kill('SIGKILL')
    await new Promise((resolve) => victim.child.once('exit', resolve))
    alive.delete(victim)
    // What each writer had confirmed when its instance died: every one of those edits must stay.
    await new Promise((resolve) => setTimeout(resolve, 20))
    const confirmedAtKill = writers.map((writer) => writer.confirmed)
    for (let i = 0; i < 60; i++) {
      write()
      await new Promise((resolve) => setTimeout(resolve, 5))
    }
    await waitFor(() => writers.every((writer) => writer.confirmed >= written), {
      timeout: 30_000,
      message: 'every edit to be confirmed after the reconnects',
    })
    expect(writers.reduce((n, writer) => n + writer.reconnects, 0)).toBeGreaterThanOrEqual(onVictim)
    // Back on another instance, each client writes as its own id at once: the dead instance's
    // owner records are taken over (nobody is on its control channel), not waited out.
    const refused = writers.flatMap((writer) => writer.closes)
    expect(refused.filter((close) => /client_id_conflict/.test(close.reason))).toEqual([])
    await waitFor(() => writers.every((writer) => sameContent(writer.doc, writers[0]!.doc)), {
      timeout: 20_000,
      message: 'writers to converge',
    })

    const stored = await storedInPostgres({ namespace } as TestCluster, ROOM)
    const kept = stored.getMap<string>('kept')
    for (const [i, writer] of writers.entries()) {
      expect(confirmedAtKill[i]).toBeGreaterThan(0)
      for (let n = 0; n < writer.confirmed; n++) {
        expect(kept.has(`w${i}-${n}`), `writer ${i} edit ${n} (confirmed)`).toBe(true)
      }
    }
    expect(kept.size).toBe(writers.length * written)
  })
})
