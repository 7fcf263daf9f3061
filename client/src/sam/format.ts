import type { Progress } from '../../../worker/src/sam-client'

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(0)} KB`
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`
}

/** "Downloading encoder.onnx — 12.3 MB of 40.1 MB" */
export function describeProgress(p: Progress | null): string {
  if (!p) return 'Starting…'
  const what = p.file ? ` ${p.file}` : ''
  const amount =
    p.total && p.phase === 'download'
      ? ` — ${formatBytes(p.loaded)} of ${formatBytes(p.total)}`
      : p.phase === 'download'
        ? ` — ${formatBytes(p.loaded)}`
        : ''
  const verb = p.phase === 'download' ? 'Downloading' : p.phase === 'load' ? 'Loading' : 'Encoding'
  return `${verb}${what}${amount}`
}

/** 0–1 when known. */
export function progressFraction(p: Progress | null): number | undefined {
  return p?.total ? Math.min(1, p.loaded / p.total) : undefined
}
