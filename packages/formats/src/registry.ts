// The registry: every format is one module added here; detection asks each one.

import type { FileTree } from './files'
import type { FormatId, FormatModule } from './format'

const formats = new Map<FormatId, FormatModule>()

export function registerFormat(format: FormatModule): void {
  formats.set(format.id, format)
}

export function listFormats(): FormatModule[] {
  return [...formats.values()]
}

export function getFormat(id: string): FormatModule {
  const format = formats.get(id as FormatId)
  if (!format) {
    const known = [...formats.keys()].join(', ')
    throw new Error(`unknown format ${JSON.stringify(id)}: expected one of ${known}`)
  }
  return format
}

export interface Detection {
  format: FormatModule
  confidence: number
}

/**
 * The formats that recognise the files, most confident first (confidence > 0 only). A caller
 * that gets none, or a tie at the top, should ask the user.
 */
export function detectFormat(files: FileTree): Detection[] {
  return listFormats()
    .map((format) => ({ format, confidence: safeDetect(format, files) }))
    .filter((detection) => detection.confidence > 0)
    .sort((a, b) => b.confidence - a.confidence)
}

function safeDetect(format: FormatModule, files: FileTree): number {
  try {
    return Math.max(0, Math.min(1, format.detect(files)))
  } catch {
    return 0
  }
}
