import { useEffect, useRef } from 'react'
import type { ReactNode } from 'react'

/** A modal dialog (native `<dialog>`); Esc and ✕ call `onClose` (which cancels running work). */
export function Dialog(props: {
  title: string
  testId: string
  onClose: () => void
  children: ReactNode
}) {
  const ref = useRef<HTMLDialogElement>(null)
  useEffect(() => {
    const dialog = ref.current
    if (dialog && !dialog.open) dialog.showModal()
  }, [])
  return (
    <dialog
      ref={ref}
      className="modal"
      aria-label={props.title}
      data-testid={props.testId}
      onCancel={(e) => {
        e.preventDefault()
        props.onClose()
      }}
    >
      <header className="modal-head">
        <h2>{props.title}</h2>
        <button
          type="button"
          className="modal-close"
          onClick={props.onClose}
          aria-label="Close dialog"
        >
          ✕
        </button>
      </header>
      {props.children}
    </dialog>
  )
}
