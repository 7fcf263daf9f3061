import type { Context } from 'hono'
import { streamSSE } from 'hono/streaming'
import type { FlowEvent, FlowRun } from '@loupe/flows'
import type { Principal } from '../auth/tokens'
import type { FlowService } from '../flows/service'
import { artifactView, canSee, isOver, logView, projectOf, roleToRead, runView } from './flow-views'

/** How often a stream re-reads the store (runs executed by another instance), and pings. */
const POLL_MS = 1_000
const PING_MS = 15_000

/**
 * Server-sent events of one run: `run` (the run, on every state or progress change), `log`,
 * `artifact`; the stream ends after the run's final state. Live events come from this instance's
 * runner; the store is re-read every second, so runs executed elsewhere are followed too.
 */
export function runEvents(c: Context, flows: FlowService, initial: FlowRun) {
  return streamSSE(c, async (stream) => {
    let last = ''
    const sendRun = async (run: FlowRun) => {
      const view = runView(run)
      const text = JSON.stringify(view)
      if (text === last) return
      last = text
      await stream.writeSSE({ event: 'run', data: text })
    }
    let done = false
    let wake: () => void = () => undefined
    const queue: FlowEvent[] = []
    const unsubscribe = flows.subscribe((event) => {
      if (rootOf(event) !== initial.id) return
      queue.push(event)
      wake()
    })
    stream.onAbort(() => {
      done = true
      wake()
    })
    try {
      await sendRun(initial)
      let current = initial
      let lastPoll = Date.now()
      let lastPing = Date.now()
      while (!done && !isOver(current)) {
        if (queue.length === 0) {
          await new Promise<void>((resolve) => {
            wake = resolve
            setTimeout(resolve, POLL_MS)
          })
        }
        for (const event of queue.splice(0)) {
          if (event.type === 'log') {
            await stream.writeSSE({ event: 'log', data: JSON.stringify(logView(event.entry)) })
          } else if (event.type === 'artifact') {
            await stream.writeSSE({
              event: 'artifact',
              data: JSON.stringify(artifactView(event.artifact, initial.id)),
            })
          } else if (event.type === 'state' && event.run.id === initial.id) {
            current = event.run
            await sendRun(current)
          } else if (event.type === 'progress' && event.runId === initial.id) {
            current = { ...current, progress: event.progress }
            await sendRun(current)
          }
        }
        const now = Date.now()
        if (now - lastPoll >= POLL_MS || isOver(current)) {
          lastPoll = now
          current = (await flows.store.getRun(initial.id)) ?? current
          await sendRun(current)
        }
        if (now - lastPing >= PING_MS) {
          lastPing = now
          await stream.writeSSE({ event: 'ping', data: '{}' })
        }
      }
    } finally {
      unsubscribe()
    }
  })
}

function rootOf(event: FlowEvent): string {
  switch (event.type) {
    case 'state':
      return event.run.rootId
    case 'progress':
      return event.rootId
    case 'log':
      return event.entry.rootId
    case 'artifact':
      return event.artifact.rootId
  }
}

/**
 * Server-sent `run` events for every top-level run of a project the principal may see (state and
 * progress changes), for run lists with live progress bars. Never ends by itself.
 */
export function projectFlowEvents(
  c: Context,
  flows: FlowService,
  projectId: string,
  principal: Principal,
) {
  return streamSSE(c, async (stream) => {
    const sent = new Map<string, string>()
    const visible = (run: FlowRun) =>
      run.parentId === null &&
      projectOf(run.parameters) === projectId &&
      canSee(principal, run.parameters, roleToRead(run.name))
    const known = new Map<string, FlowRun>()
    const pending = new Map<string, FlowRun>()
    let done = false
    let wake: () => void = () => undefined
    const unsubscribe = flows.subscribe((event) => {
      if (event.type === 'state' && visible(event.run)) {
        known.set(event.run.id, event.run)
        pending.set(event.run.id, event.run)
        wake()
      } else if (event.type === 'progress' && event.runId === event.rootId) {
        const run = known.get(event.rootId)
        if (run) {
          const next = { ...run, progress: event.progress }
          known.set(run.id, next)
          pending.set(run.id, next)
          wake()
        }
      }
    })
    stream.onAbort(() => {
      done = true
      wake()
    })
    const send = async (run: FlowRun) => {
      const text = JSON.stringify(runView(run))
      if (sent.get(run.id) === text) return
      sent.set(run.id, text)
      await stream.writeSSE({ event: 'run', data: text })
    }
    try {
      let lastPoll = 0
      let lastPing = Date.now()
      while (!done) {
        const now = Date.now()
        if (now - lastPoll >= POLL_MS) {
          lastPoll = now
          const active = await flows.store.listRuns({
            parentId: null,
            states: ['Pending', 'Running', 'Retrying', 'Cancelling'],
            limit: 200,
          })
          for (const run of active.runs) {
            if (!visible(run)) continue
            known.set(run.id, run)
            pending.set(run.id, run)
          }
        }
        for (const run of pending.values()) await send(run)
        pending.clear()
        if (now - lastPing >= PING_MS) {
          lastPing = now
          await stream.writeSSE({ event: 'ping', data: '{}' })
        }
        if (pending.size === 0) {
          await new Promise<void>((resolve) => {
            wake = resolve
            setTimeout(resolve, POLL_MS)
          })
        }
      }
    } finally {
      unsubscribe()
    }
  })
}
