import type { ReactNode } from 'react'
import { StorageBanner } from '../sync/StorageBanner'
import { SyncIndicator } from '../sync/SyncIndicator'
import { useSession } from '../sync/hooks'
import { LoupeMark } from './LoupeMark'
import { routeHash } from './router'
import type { Route } from './router'
import { ROLE_NAMES } from './session'

export interface Crumb {
  label: string
  route?: Route
}

/** Every screen's frame: header (breadcrumbs, role, sync status), banners, content. */
export function Shell({
  crumbs,
  onSignOut,
  wide = false,
  children,
}: {
  crumbs: Crumb[]
  onSignOut: () => void
  wide?: boolean
  children: ReactNode
}) {
  const { role } = useSession()
  return (
    <div className="shell">
      <header className="app-header">
        <a className="brand" href="#/" aria-label="Loupe — projects">
          <LoupeMark size={28} />
          <span>Loupe</span>
        </a>
        <nav className="crumbs" aria-label="Breadcrumb">
          {crumbs.map((crumb, i) => (
            <span key={i} className="crumb">
              <span className="crumb-sep" aria-hidden>
                /
              </span>
              {crumb.route && i < crumbs.length - 1 ? (
                <a href={routeHash(crumb.route)}>{crumb.label}</a>
              ) : (
                <span aria-current={i === crumbs.length - 1 ? 'page' : undefined}>
                  {crumb.label}
                </span>
              )}
            </span>
          ))}
        </nav>
        <div className="header-right">
          {role === 'viewer' ? (
            <span className="badge badge-view" data-testid="view-only">
              View only
            </span>
          ) : (
            <span className="badge" data-testid="role">
              {ROLE_NAMES[role]}
            </span>
          )}
          <SyncIndicator />
          <button
            type="button"
            className="secondary icon-button"
            onClick={onSignOut}
            title="Forget this link on this device"
          >
            Sign out
          </button>
        </div>
      </header>
      <StorageBanner />
      <main className={wide ? 'content content-wide' : 'content'}>{children}</main>
    </div>
  )
}
