import { runAction } from '../actions'
import type { EditorController } from '../controller'
import { formatKey } from '../keymap'

/** The project's labels; 1–9 pick one (and relabel the selected object). */
export function LabelsPanel({ controller }: { controller: EditorController }) {
  const labels = controller.labels
  return (
    <section className="ed-panel" aria-label="Labels">
      <h3>Labels</h3>
      {labels.length === 0 && <p className="ed-muted">This project has no labels yet.</p>}
      <ul className="ed-list" data-testid="labels-panel">
        {labels.map((label, i) => {
          const active = label.id === controller.activeLabelId
          const keys = i < 9 ? controller.keys.keysOf(`label.${i + 1}`) : []
          const shown = keys.map((k) => formatKey(k)).join(' / ')
          return (
            <li key={label.id}>
              <button
                type="button"
                className={active ? 'ed-row active' : 'ed-row'}
                aria-pressed={active}
                title={shown ? `Choose ${label.name} (${shown})` : label.name}
                onClick={() =>
                  i < 9
                    ? runAction(controller, `label.${i + 1}`)
                    : controller.setActiveLabel(label.id)
                }
              >
                <span className="ed-key">{keys[0] ? formatKey(keys[0]) : ''}</span>
                <span className="ed-swatch" style={{ background: label.color }} />
                <span className="ed-name">{label.name}</span>
                <span className="ed-muted">{label.type === 'any' ? '' : label.type}</span>
              </button>
            </li>
          )
        })}
      </ul>
    </section>
  )
}
