import { useEffect, useState } from 'react'
import type { ProjectDocument } from '@loupe/model'

/** Re-renders on every change of the project document; returns a counter to key memos on. */
export function useProjectVersion(project: ProjectDocument | null): number {
  const [version, setVersion] = useState(0)
  useEffect(() => project?.onChange(() => setVersion((v) => v + 1)), [project])
  return version
}
