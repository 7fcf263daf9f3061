import { useState } from 'react'
import type { ProjectDocument } from '@loupe/model'
import { ExportDialog } from './ExportDialog'
import { ImportDialog } from './ImportDialog'
import './dataset.css'

/** "Import…" and "Export…" of the project menu. Import is off for read-only links. */
export function DatasetActions(props: {
  projectId: string
  project: ProjectDocument
  canImport: boolean
}) {
  const [open, setOpen] = useState<'import' | 'export' | null>(null)
  const close = () => setOpen(null)
  return (
    <div className="dataset-actions row" data-testid="dataset-actions">
      <button
        type="button"
        className="secondary"
        onClick={() => setOpen('import')}
        disabled={!props.canImport}
        title={props.canImport ? 'Import annotations from a dataset' : 'This link is read-only'}
      >
        Import…
      </button>
      <button
        type="button"
        className="secondary"
        onClick={() => setOpen('export')}
        title="Export annotations as a dataset"
      >
        Export…
      </button>
      {open === 'import' && (
        <ImportDialog projectId={props.projectId} project={props.project} onClose={close} />
      )}
      {open === 'export' && (
        <ExportDialog projectId={props.projectId} project={props.project} onClose={close} />
      )}
    </div>
  )
}
