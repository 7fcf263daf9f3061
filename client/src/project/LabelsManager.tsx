import { useState } from 'react'
import type { LabelRecord, ProjectDocument } from '@loupe/model'
import { LabelForm } from './LabelForm'
import { draftToInput, labelToDraft, newLabelDraft } from './label-draft'
import type { LabelDraft } from './label-draft'

const TYPE_NAMES: Record<string, string> = { any: 'Any shape' }

/** ModelError messages already start with the path (`labels.x.attributes[1].values: ...`). */
function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

/** Labels of the project: list, add, edit (attributes of all five types), delete. */
export function LabelsManager({
  project,
  editable,
}: {
  project: ProjectDocument
  editable: boolean
}) {
  const labels = project.listLabels()
  const [editing, setEditing] = useState<string | 'new' | null>(null)

  const save = (id: string | null, draft: LabelDraft): string | null => {
    try {
      if (id) project.updateLabel(id, draftToInput(draft))
      else project.addLabel(draftToInput(draft))
      setEditing(null)
      return null
    } catch (error) {
      return describeError(error)
    }
  }

  return (
    <section className="card labels" aria-labelledby="labels-heading" data-testid="labels">
      <div className="section-head">
        <h2 id="labels-heading">
          Labels <span className="count">{labels.length}</span>
        </h2>
        {editable && editing !== 'new' && (
          <button type="button" className="secondary small" onClick={() => setEditing('new')}>
            + Add label
          </button>
        )}
      </div>
      {editing === 'new' && (
        <LabelForm
          initial={newLabelDraft(labels.length)}
          submitLabel="Add label"
          onSave={(draft) => save(null, draft)}
          onCancel={() => setEditing(null)}
        />
      )}
      {labels.length === 0 && editing !== 'new' && (
        <p className="muted">
          No labels yet.{editable ? ' Add the classes annotators will pick from.' : ''}
        </p>
      )}
      <ul className="label-list">
        {labels.map((label, i) =>
          editing === label.id ? (
            <li key={label.id}>
              <LabelForm
                initial={labelToDraft(label)}
                submitLabel="Save"
                onSave={(draft) => save(label.id, draft)}
                onCancel={() => setEditing(null)}
                onDelete={() => {
                  if (
                    confirm(`Delete the label “${label.name}”? Shapes keep it until relabelled.`)
                  ) {
                    project.deleteLabel(label.id)
                    setEditing(null)
                  }
                }}
              />
            </li>
          ) : (
            <LabelRow
              key={label.id}
              label={label}
              shortcut={i < 9 ? String(i + 1) : undefined}
              onEdit={editable ? () => setEditing(label.id) : undefined}
            />
          ),
        )}
      </ul>
    </section>
  )
}

function LabelRow({
  label,
  shortcut,
  onEdit,
}: {
  label: LabelRecord
  shortcut?: string
  onEdit?: () => void
}) {
  return (
    <li className="label-row">
      <span className="swatch" style={{ background: label.color }} aria-hidden />
      <div className="label-main">
        <div className="label-title">
          <strong>{label.name}</strong>
          <span className="type-chip">{TYPE_NAMES[label.type] ?? label.type}</span>
          {shortcut && (
            <kbd title={`Press ${shortcut} in the editor`} className="shortcut">
              {shortcut}
            </kbd>
          )}
        </div>
        {label.attributes.length > 0 && (
          <ul className="attr-chips" aria-label={`Attributes of ${label.name}`}>
            {label.attributes.map((a) => (
              <li key={a.id} title={a.mutable ? 'mutable: may change between frames' : undefined}>
                {a.name}
                <span className="muted"> · {a.type}</span>
                {a.mutable && <span className="muted"> · mutable</span>}
              </li>
            ))}
          </ul>
        )}
      </div>
      {onEdit && (
        <button
          type="button"
          className="secondary small"
          onClick={onEdit}
          aria-label={`Edit ${label.name}`}
        >
          Edit
        </button>
      )}
    </li>
  )
}
