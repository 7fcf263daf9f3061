import { useEffect, useRef, useState, type KeyboardEvent, type SyntheticEvent } from 'react'
import { isRemappable, recordCombo, type KeyBindings } from './key-bindings'
import { ACTION_GROUPS, formatKey, type KeyBinding } from './keymap'

/** A key being recorded for an action: replacing one of its keys, or added (replace null). */
interface Recording {
  id: string
  replace: string | null
}

/** A recorded key another action already has: the user swaps or cancels. */
interface Conflict extends Recording {
  combo: string
  other: KeyBinding
}

/**
 * Remaps the key map: click a key (or +) and press the new key. A key another action has is
 * never taken silently: the dialog names that action and offers to swap. Changes are saved in
 * this browser at once; each action and the whole map can go back to the defaults.
 */
export function ShortcutsDialog({ keys, onClose }: { keys: KeyBindings; onClose: () => void }) {
  const ref = useRef<HTMLDialogElement>(null)
  const [recording, setRecording] = useState<Recording | null>(null)
  const [conflict, setConflict] = useState<Conflict | null>(null)
  const [notice, setNotice] = useState<string | null>(null)
  useEffect(() => {
    const dialog = ref.current
    if (dialog && !dialog.open) dialog.showModal()
  }, [])

  const labelOf = (id: string) => keys.get(id)?.label ?? id

  const apply = (target: Recording, combo: string, onConflict: 'refuse' | 'swap') => {
    const result = keys.assign(target.id, combo, { replace: target.replace, onConflict })
    setRecording(null)
    if (result.ok) {
      setConflict(null)
      const swapped = result.swapped
      setNotice(
        `${labelOf(target.id)}: ${formatKey(combo)}` +
          (swapped
            ? swapped.got
              ? ` · ${labelOf(swapped.actionId)}: ${formatKey(swapped.got)}`
              : ` · ${labelOf(swapped.actionId)} no longer has ${formatKey(combo)}`
            : ''),
      )
    } else if (result.reason === 'conflict') {
      setConflict({ ...target, combo, other: result.conflict })
      setNotice(null)
    } else {
      setConflict(null)
      setNotice(result.message)
    }
  }

  const onKeyDown = (e: KeyboardEvent<HTMLDialogElement>) => {
    if (!recording) return
    // While recording, every key is the user's answer, never a shortcut or a dialog key.
    e.preventDefault()
    e.stopPropagation()
    if (e.key === 'Escape') {
      setRecording(null)
      return
    }
    const combo = recordCombo(e)
    if (combo) apply(recording, combo, 'refuse')
  }

  const onCancel = (e: SyntheticEvent<HTMLDialogElement>) => {
    if (recording || conflict) {
      // Esc stops recording or drops the conflict; a second Esc closes.
      e.preventDefault()
      setRecording(null)
      setConflict(null)
      return
    }
    onClose()
  }

  const record = (target: Recording) => {
    setConflict(null)
    setNotice(null)
    setRecording(target)
  }

  const isRecording = (id: string, replace: string | null) =>
    recording?.id === id && recording.replace === replace

  return (
    <dialog
      ref={ref}
      className="ed-help ed-shortcuts"
      aria-label="Change keyboard shortcuts"
      data-testid="shortcuts-dialog"
      onKeyDown={onKeyDown}
      onCancel={onCancel}
      onClose={onClose}
    >
      <header>
        <h2>Change keyboard shortcuts</h2>
        <button type="button" onClick={onClose} aria-label="Close">
          ✕
        </button>
      </header>
      <p className="ed-muted">
        Click a key, then press the new one (Esc stops). Saved in this browser.
      </p>
      <div className="ed-shortcuts-status" aria-live="polite">
        {conflict ? (
          <div className="ed-shortcuts-conflict" role="alert" data-testid="shortcut-conflict">
            <span>
              <kbd>{formatKey(conflict.combo)}</kbd> is already used by{' '}
              <strong>{conflict.other.label}</strong>.{' '}
              {conflict.replace
                ? `Swap: ${conflict.other.label} gets ${formatKey(conflict.replace)}.`
                : `Move it: ${conflict.other.label} loses it.`}
            </span>
            <button type="button" onClick={() => apply(conflict, conflict.combo, 'swap')}>
              {conflict.replace ? 'Swap keys' : 'Move key'}
            </button>
            <button type="button" onClick={() => setConflict(null)}>
              Keep as is
            </button>
          </div>
        ) : (
          notice && <span data-testid="shortcut-notice">{notice}</span>
        )}
      </div>
      <div className="ed-help-groups">
        {ACTION_GROUPS.map((group) => (
          <section key={group}>
            <h3>{group}</h3>
            {keys.bindings
              .filter((b) => b.group === group)
              .map((b) => (
                <div
                  key={b.id}
                  className={[
                    'ed-shortcut',
                    b.disabled && 'disabled',
                    keys.isCustomized(b.id) && 'customized',
                  ]
                    .filter(Boolean)
                    .join(' ')}
                  data-action={b.id}
                >
                  <span className="ed-shortcut-label">{b.label}</span>
                  <span className="ed-shortcut-keys">
                    {b.keys.map((k) =>
                      isRemappable(b) ? (
                        <span key={k} className="ed-keycap">
                          <button
                            type="button"
                            aria-label={`Change ${formatKey(k)} for ${b.label}`}
                            aria-pressed={isRecording(b.id, k)}
                            onClick={() => record({ id: b.id, replace: k })}
                          >
                            {isRecording(b.id, k) ? 'Press a key…' : <kbd>{formatKey(k)}</kbd>}
                          </button>
                          <button
                            type="button"
                            className="ed-keycap-remove"
                            aria-label={`Remove ${formatKey(k)} from ${b.label}`}
                            onClick={() => keys.remove(b.id, k)}
                          >
                            ×
                          </button>
                        </span>
                      ) : (
                        <span key={k} className="ed-keycap fixed" title="Fixed">
                          <kbd>{formatKey(k)}</kbd>
                        </span>
                      ),
                    )}
                    {isRemappable(b) && (
                      <button
                        type="button"
                        className="ed-keycap-add"
                        aria-label={`Add a key for ${b.label}`}
                        aria-pressed={isRecording(b.id, null)}
                        onClick={() => record({ id: b.id, replace: null })}
                      >
                        {isRecording(b.id, null) ? 'Press a key…' : '+'}
                      </button>
                    )}
                    {keys.isCustomized(b.id) && (
                      <button
                        type="button"
                        className="ed-text-button"
                        aria-label={`Reset ${b.label}`}
                        title={`Back to ${keys
                          .defaultKeysOf(b.id)
                          .map((k) => formatKey(k))
                          .join(' / ')}`}
                        onClick={() => {
                          keys.reset(b.id)
                          setNotice(`${b.label}: default keys`)
                        }}
                      >
                        Reset
                      </button>
                    )}
                  </span>
                </div>
              ))}
          </section>
        ))}
      </div>
      <footer>
        <button
          type="button"
          className="ed-text-button"
          disabled={!keys.isCustomized()}
          onClick={() => {
            keys.resetAll()
            setConflict(null)
            setNotice('Every shortcut is back to its default.')
          }}
        >
          Reset all to defaults
        </button>
        <span className="ed-spacer" />
        <button type="button" className="ed-primary" onClick={onClose}>
          Done
        </button>
      </footer>
    </dialog>
  )
}
