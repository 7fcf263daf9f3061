import { flow } from '@loupe/flows'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, expect, it } from 'vitest'
import { FlowService } from '../../src/flows/service'
import { openDatabase } from '../../src/storage/sqlite'

const dir = mkdtempSync(join(tmpdir(), 'loupe-flow-service-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

it('runs a submitted flow end to end on the server database, and stops cleanly', async () => {
  const hello = flow('hello', ({ name }: { name: string }, ctx) => {
    ctx.log.info(`hello ${name}`)
    return `hi ${name}`
  })
  const db = openDatabase(join(dir, 'loupe.sqlite'))
  const service = new FlowService({ db, flows: [hello], runner: { pollMs: 20 } })
  const states: string[] = []
  service.subscribe((event) => {
    if (event.type === 'state') states.push(event.run.state)
  })
  service.start()
  const { run } = await service.runner.submit(hello, { name: 'Ada' })
  for (let i = 0; i < 200 && (await service.store.getRun(run.id))?.state !== 'Completed'; i++) {
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
  await service.stop()
  expect(await service.store.getRun(run.id)).toMatchObject({
    state: 'Completed',
    result: '"hi Ada"',
  })
  expect(states).toEqual(['Pending', 'Running', 'Completed'])
  expect((await service.store.listLogs(run.id)).map((l) => l.message)).toEqual(['hello Ada'])
  db.close()
})
