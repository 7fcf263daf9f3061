import { useEffect, useId, useRef, useState } from 'react'
import type { FormEvent } from 'react'
import { useSyncExternalStore } from 'react'
import { initials, saveLocalUser } from './identity'
import { useHub, useSyncStatus } from './hooks'
import { describeStatus } from './status'
import type { Peer } from './status'
import { storageStatus } from './storage-errors'
import './sync.css'

const MAX_AVATARS = 4

export function Avatar({ name, color, title }: { name: string; color: string; title?: string }) {
  return (
    <span className="avatar" style={{ background: color }} title={title ?? name} aria-hidden>
      {initials(name)}
    </span>
  )
}

function peerTitle(peer: Peer): string {
  return peer.image ? `${peer.name} — on ${peer.image.name}` : peer.name
}

/**
 * Always visible in the header: connection, changes waiting for the server, who else is here.
 * Opens a panel with per-document details and the name others see.
 */
export function SyncIndicator() {
  const hub = useHub()
  const status = useSyncStatus()
  const storage = useSyncExternalStore(storageStatus.subscribe, storageStatus.get)
  const [open, setOpen] = useState(false)
  const panelId = useId()
  const rootRef = useRef<HTMLDivElement>(null)
  const text = describeStatus(status)

  useEffect(() => {
    if (!open) return
    const onDown = (event: PointerEvent) => {
      if (!rootRef.current?.contains(event.target as Node)) setOpen(false)
    }
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') setOpen(false)
    }
    document.addEventListener('pointerdown', onDown)
    document.addEventListener('keydown', onKey)
    return () => {
      document.removeEventListener('pointerdown', onDown)
      document.removeEventListener('keydown', onKey)
    }
  }, [open])

  const shown = status.peers.slice(0, MAX_AVATARS)
  const more = status.peers.length - shown.length

  return (
    <div className="sync" ref={rootRef}>
      <button
        type="button"
        className={`sync-button sync-${status.connection}`}
        data-testid="sync-indicator"
        data-connection={status.connection}
        data-pending={status.pending}
        aria-expanded={open}
        aria-controls={panelId}
        onClick={() => setOpen((o) => !o)}
        title={text}
      >
        <span className="sync-dot" aria-hidden />
        <span className="sync-text" role="status" aria-live="polite">
          {text}
        </span>
        <span className="visually-hidden" data-testid="pending-count">
          {status.pending}
        </span>
        {status.peers.length > 0 && (
          <span
            className="avatars"
            data-testid="peers"
            aria-label={`${status.peers.length} others here`}
          >
            {shown.map((peer) => (
              <Avatar
                key={peer.userId}
                name={peer.name}
                color={peer.color}
                title={peerTitle(peer)}
              />
            ))}
            {more > 0 && <span className="avatar avatar-more">+{more}</span>}
          </span>
        )}
      </button>
      {open && (
        <div className="sync-panel" id={panelId} role="dialog" aria-label="Sync details">
          <section>
            <h3>You appear as</h3>
            <NameForm />
          </section>
          <section>
            <h3>Here now</h3>
            {status.peers.length === 0 ? (
              <p className="muted-line">Nobody else right now.</p>
            ) : (
              <ul className="peer-list">
                {status.peers.map((peer) => (
                  <li key={peer.userId}>
                    <Avatar name={peer.name} color={peer.color} />
                    <span>{peer.name}</span>
                    {peer.image && <span className="muted-line">on {peer.image.name}</span>}
                  </li>
                ))}
              </ul>
            )}
          </section>
          <section>
            <h3>Documents</h3>
            {status.rooms.length === 0 ? (
              <p className="muted-line">No document open.</p>
            ) : (
              <ul className="room-list">
                {status.rooms.map((room) => (
                  <li key={room.room}>
                    <span className={`sync-dot sync-${room.connection}`} aria-hidden />
                    <code>{room.room}</code>
                    <span className="muted-line">
                      {room.connection}
                      {room.pending > 0 ? ` · ${room.pending} waiting` : ''}
                    </span>
                  </li>
                ))}
              </ul>
            )}
          </section>
          <section>
            <h3>This device</h3>
            <p className="muted-line">
              {storage.persisted === true
                ? 'Storage is persistent: the browser will not evict your offline work.'
                : storage.persisted === false
                  ? 'Storage is best-effort: the browser may evict offline data when space runs low. Installing the app usually makes it persistent.'
                  : 'Storage persistence is unknown in this browser.'}
            </p>
          </section>
          {status.errors.length > 0 && (
            <section>
              <h3>Problems</h3>
              <ul className="error-list">
                {status.errors.map((error, i) => (
                  <li key={i}>{error}</li>
                ))}
              </ul>
              <button type="button" className="secondary" onClick={() => hub.dismissErrors()}>
                Clear
              </button>
            </section>
          )}
        </div>
      )}
    </div>
  )
}

function NameForm() {
  const hub = useHub()
  const [name, setName] = useState(hub.user.name)
  const submit = (event: FormEvent) => {
    event.preventDefault()
    const trimmed = name.trim()
    if (!trimmed) return
    const user = { ...hub.user, name: trimmed.slice(0, 60) }
    saveLocalUser(window.localStorage, user)
    hub.setUser(user)
  }
  return (
    <form className="name-form" onSubmit={submit}>
      <Avatar name={hub.user.name} color={hub.user.color} />
      <input
        value={name}
        onChange={(e) => setName(e.target.value)}
        aria-label="Your name"
        maxLength={60}
      />
      <button type="submit">Save</button>
    </form>
  )
}
