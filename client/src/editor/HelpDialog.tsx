import { useEffect, useRef } from 'react'
import { KEYMAP, formatKey, type ActionGroup } from './keymap'

const GROUPS: ActionGroup[] = ['Tools', 'Labels', 'Navigation', 'Objects', 'Edit', 'View']

/** Every shortcut of the key map, by group. */
export function HelpDialog({ onClose }: { onClose: () => void }) {
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
        <button type="button" onClick={onClose} aria-label="Close">
          ✕
        </button>
      </header>
      <div className="ed-help-groups">
        {GROUPS.map((group) => {
          const rows = KEYMAP.filter((b) => b.group === group)
          // 1–9 collapse into one row.
          const shown =
            group === 'Labels'
              ? [
                  {
                    ...rows[0]!,
                    id: 'labels',
                    keys: ['1', '9'],
                    label: 'Choose label 1–9 (relabels the selected object)',
                  },
                ]
              : rows
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
