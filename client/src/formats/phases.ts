// What each step of an import or export is called on screen.
import type { TaskProgress } from './client'

const PHASES: Record<string, string> = {
  files: 'Reading the files',
  unzip: 'Unpacking the archive',
  read: 'Reading annotations',
  plan: 'Matching with the project',
  store: 'Storing new images',
  apply: 'Saving',
  documents: 'Opening jobs',
  images: 'Collecting images',
  dataset: 'Collecting annotations',
  write: 'Writing the files',
  zip: 'Packing the archive',
}

/** `Reading annotations 120 / 5000` (counts left out for one-step phases). */
export function describeProgress(progress: TaskProgress): string {
  const name = PHASES[progress.phase] ?? progress.phase
  if (progress.total <= 1) return `${name}…`
  return `${name} ${progress.done.toLocaleString('en')} / ${progress.total.toLocaleString('en')}…`
}
