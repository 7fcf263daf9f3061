import { useState } from 'react'
import { useApi } from '../app/context'

type ShareRole = 'viewer' | 'annotator' | 'manager'

/** Managers make share links (annotator, viewer, manager) and copy them. */
export function ShareLinks({ projectId }: { projectId: string }) {
  const api = useApi()
  const [role, setRole] = useState<ShareRole>('annotator')
  const [link, setLink] = useState<string | null>(null)
  const [message, setMessage] = useState<string | null>(null)

  const make = () => {
    setMessage(null)
    api.share(projectId, role).then(
      async (share) => {
        setLink(share.url)
        try {
          await navigator.clipboard.writeText(share.url)
          setMessage('Link copied')
        } catch {
          setMessage('Copy the link below')
        }
      },
      (e: unknown) => setMessage(e instanceof Error ? e.message : String(e)),
    )
  }

  return (
    <div className="share">
      <div className="row">
        <select
          value={role}
          onChange={(e) => setRole(e.target.value as ShareRole)}
          aria-label="Role of the share link"
        >
          <option value="annotator">Annotator</option>
          <option value="viewer">Viewer (read-only)</option>
          <option value="manager">Manager</option>
        </select>
        <button type="button" className="secondary" onClick={make} disabled={!navigator.onLine}>
          Share link
        </button>
      </div>
      {message && <span className="muted">{message}</span>}
      {link && (
        <input
          className="share-url"
          readOnly
          value={link}
          aria-label="Share link"
          onFocus={(e) => e.target.select()}
        />
      )}
    </div>
  )
}
