/**
 * Starts and stops a relay under test in its own child process (`server-child.ts` under tsx), so
 * server CPU is measured apart from the clients and every server gets the same machine share.
 */
import { fork } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { ChildReply, ParentRequest, ServerKind } from './protocol'

export interface ServerProcess {
  kind: ServerKind
  pid: number
  url: string
  room: string
  params: Record<string, string>
  durable: boolean
  /** CPU time (user + system) the server process has used so far, in milliseconds. */
  cpuMs(): Promise<{ cpuMs: number; rssBytes: number; loopP99Ms: number; loopMaxMs: number }>
  /** Closes the server gracefully (the child exits, writing its CPU profile if asked to). */
  stop(): Promise<void>
}

export interface StartServerOptions {
  /** Directory for a V8 CPU profile of the server process (`node --cpu-prof`), if wanted. */
  cpuProfileDir?: string
  timeoutMs?: number
}

const CHILD = fileURLToPath(new URL('./server-child.ts', import.meta.url))

export async function startServerProcess(
  kind: ServerKind,
  options: StartServerOptions = {},
): Promise<ServerProcess> {
  const timeoutMs = options.timeoutMs ?? 30_000
  const execArgv = ['--import', 'tsx']
  if (options.cpuProfileDir) {
    // One file per thread (tsx's loader runs in a worker): the largest is the main thread's.
    execArgv.push('--cpu-prof', `--cpu-prof-dir=${join(options.cpuProfileDir, kind)}`)
  }
  // The child's stdout goes to our stderr: our stdout carries only the JSON result lines.
  const child = fork(CHILD, [kind], { execArgv, stdio: ['ignore', 2, 2, 'ipc'] })
  const ready = await waitFor(child, 'ready', timeoutMs)
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))

  return {
    kind,
    pid: child.pid ?? -1,
    url: ready.url,
    room: ready.room,
    params: ready.params,
    durable: ready.durable,
    async cpuMs() {
      send(child, { type: 'cpu' })
      const usage = await waitFor(child, 'cpu', timeoutMs)
      return {
        cpuMs: (usage.userUs + usage.systemUs) / 1000,
        rssBytes: usage.rssBytes,
        loopP99Ms: usage.loopP99Ms,
        loopMaxMs: usage.loopMaxMs,
      }
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return
      send(child, { type: 'stop' })
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
      await exited
      clearTimeout(timer)
    },
  }
}

function send(child: ChildProcess, message: ParentRequest): void {
  child.send(message)
}

function waitFor<T extends ChildReply['type']>(
  child: ChildProcess,
  type: T,
  timeoutMs: number,
): Promise<Extract<ChildReply, { type: T }>> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: ChildReply) => {
      if (message.type !== type) return
      cleanup()
      resolve(message as Extract<ChildReply, { type: T }>)
    }
    const onExit = (code: number | null) => {
      cleanup()
      reject(new Error(`server child exited (code ${code}) while waiting for '${type}'`))
    }
    const timer = setTimeout(() => {
      cleanup()
      child.kill('SIGKILL')
      reject(new Error(`server child did not answer '${type}' within ${timeoutMs} ms`))
    }, timeoutMs)
    const cleanup = () => {
      clearTimeout(timer)
      child.off('message', onMessage)
      child.off('exit', onExit)
    }
    child.on('message', onMessage)
    child.on('exit', onExit)
  })
}
