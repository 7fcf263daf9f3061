import { flowStoreContract } from '@loupe/flows/testing'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll } from 'vitest'
import { SqliteFlowStore } from '../../src/flows/sqlite-store'
import { openDatabase } from '../../src/storage/sqlite'

const dir = mkdtempSync(join(tmpdir(), 'loupe-flows-'))
let n = 0
afterAll(() => rmSync(dir, { recursive: true, force: true }))

flowStoreContract('SqliteFlowStore', () =>
  Promise.resolve(new SqliteFlowStore(openDatabase(join(dir, `store-${++n}.sqlite`)))),
)
