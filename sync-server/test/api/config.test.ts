import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/config'
import { startServer } from '../../src/server'

const dataDir = () => mkdtempSync(join(tmpdir(), 'loupe-config-'))

describe('configuration from the environment', () => {
  it('tunes the relay from LOUPE_* variables and keeps defaults for the rest', async () => {
    const server = await startServer({
      env: {
        PORT: '0',
        HOST: '127.0.0.1',
        LOUPE_DATA_DIR: dataDir(),
        LOUPE_LOG: 'silent',
        LOUPE_COMPACT_AFTER_ENTRIES: '50',
        LOUPE_MAX_BUFFERED_BYTES: '1048576',
        LOUPE_RATE_MESSAGES_PER_SECOND: '10',
      },
    })
    try {
      expect(server.relay.settings.compactAfterEntries).toBe(50)
      expect(server.relay.settings.maxBufferedBytes).toBe(1_048_576)
      expect(server.relay.settings.rateLimit.messagesPerSecond).toBe(10)
      // untouched values keep their defaults
      expect(server.relay.settings.roomIdleMs).toBe(30_000)
      expect(server.relay.settings.rateLimit.messageBurst).toBe(3_000)
    } finally {
      await server.close()
    }
  })

  it('names the variable of a bad value', () => {
    expect(() => loadConfig({ LOUPE_DATA_DIR: dataDir(), LOUPE_ROOM_IDLE_MS: 'soon' })).toThrow(
      'LOUPE_ROOM_IDLE_MS: expected a non-negative integer, got "soon"',
    )
  })
})
