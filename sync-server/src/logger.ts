import type { LogLevel } from './config'

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void
  info(message: string, fields?: Record<string, unknown>): void
  warn(message: string, fields?: Record<string, unknown>): void
  error(message: string, fields?: Record<string, unknown>): void
}

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 }

export interface LogRecord {
  level: Exclude<LogLevel, 'silent'>
  message: string
  fields?: Record<string, unknown>
}

/**
 * A JSON-lines logger on stderr. `sink`, when given, also receives every record at or above the
 * level (tests use it to assert that rejections are logged).
 */
export function createLogger(level: LogLevel, sink?: (record: LogRecord) => void): Logger {
  const min = ORDER[level]
  const write = (
    lvl: Exclude<LogLevel, 'silent'>,
    message: string,
    fields?: Record<string, unknown>,
  ) => {
    sink?.({ level: lvl, message, fields })
    if (ORDER[lvl] < min) return
    const line = JSON.stringify({
      time: new Date().toISOString(),
      level: lvl,
      msg: message,
      ...fields,
    })
    process.stderr.write(line + '\n')
  }
  return {
    debug: (m, f) => write('debug', m, f),
    info: (m, f) => write('info', m, f),
    warn: (m, f) => write('warn', m, f),
    error: (m, f) => write('error', m, f),
  }
}
