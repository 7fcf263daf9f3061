import { LoupeMark } from './LoupeMark'

/** Shown without a token: how to get in. */
export function Welcome() {
  return (
    <main className="welcome">
      <LoupeMark size={56} />
      <h1>Loupe</h1>
      <p>Local-first, collaborative image annotation.</p>
      <p className="muted">
        Open Loupe with the link the server printed at start (<code>/?token=…</code>) or with a
        share link from a project manager.
      </p>
    </main>
  )
}
