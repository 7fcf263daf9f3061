import { flowStoreContract } from '@loupe/flows/testing'
import { afterAll } from 'vitest'
import { PostgresFlowStore } from '../../src/flows/postgres-store'
import { PostgresDatabase } from '../../src/storage/postgres-db'
import { TEST_DATABASE_URL, dropSchema, freshNamespace } from './env'

const schemas: string[] = []
afterAll(async () => {
  for (const schema of schemas) await dropSchema(schema)
})

// Every store the contract opens is a fresh schema on the local PostgreSQL, with a pool of its own.
flowStoreContract('PostgresFlowStore', async () => {
  const { schema } = freshNamespace()
  schemas.push(schema)
  const db = new PostgresDatabase({ url: TEST_DATABASE_URL, schema, maxConnections: 4 })
  return PostgresFlowStore.open(db, { ownsDatabase: true })
})
