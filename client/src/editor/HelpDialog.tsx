import { useEffect, useRef } from 'react'
import type { KeyBindings } from './key-bindings'
import { ACTION_GROUPS, formatKey, type KeyBinding } from './keymap'

/** Labels 1–9 collapse into one row while they have their default keys. */
function labelRows(rows: KeyBinding[], keys: KeyBindings): KeyBinding[] {
  if (rows.some((b) => keys.isCustomized(b.id))) return rows
  return [
    {
      ...rows[0]!,
      id: 'labels',
      keys: ['1', '9'],
      label: 'Choose label 1–9 (relabels the selected object)',
    },
  ]
}

/** Every shortcut of the user's key map, by group. */
export function HelpDialog(props: {
  keys: KeyBindings
  onClose: () => void
  onCustomize: () => void
}) {
  const { keys, onClose } = props
  const ref = useRef<HTMLDialogElement>(null)
  useEffect(() => {
    const dialog = ref.current
    if (dialog && !dialog.open) dialog.showModal()
  }, [])
  return (
    <dialog
      ref={ref}
      className="ed-help"
      aria-label="Keyboard shortcuts"
      onClose={onClose}
      onCancel={onClose}
    >
      <header>
        <h2>Keyboard shortcuts</h2>
        <span className="ed-spacer" />
        <button type="button" className="ed-text-button" onClick={props.onCustomize}>
          Change shortcuts…
        </button>
        <button type="button" onClick={onClose} aria-label="Close">
          ✕
        </button>
      </header>
      <div className="ed-help-groups">
        {ACTION_GROUPS.map((group) => {
          const rows = keys.bindings.filter((b) => b.group === group)
          const shown = group === 'Labels' ? labelRows(rows, keys) : rows
          return (
            <section key={group}>
              <h3>{group}</h3>
              <dl>
                {shown.map((b) => (
                  <div key={b.id} className={b.disabled ? 'disabled' : undefined}>
                    <dt>
                      {b.id === 'labels' ? (
                        <>
                          <kbd>1</kbd>–<kbd>9</kbd>
                        </>
                      ) : b.keys.length === 0 ? (
                        <span className="ed-muted">none</span>
                      ) : (
                        b.keys.map((k, i) => (
                          <span key={k}>
                            {i > 0 && ' / '}
                            <kbd>{formatKey(k)}</kbd>
                          </span>
                        ))
                      )}
                    </dt>
                    <dd>
                      {b.label}
                      {b.disabled ? ' — coming soon' : ''}
                    </dd>
                  </div>
                ))}
              </dl>
            </section>
          )
        })}
      </div>
      <p className="ed-muted">
        Wheel or pinch to zoom · middle mouse or Space+drag to pan · Alt+click a vertex to remove it
        · double-click an edge to add one
      </p>
    </dialog>
  )
}
