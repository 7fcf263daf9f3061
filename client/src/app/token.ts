const STORAGE_KEY = 'loupe.token'

/**
 * The capability token: taken from `?token=` when the app is opened from the admin URL or a share
 * link (and then removed from the address bar), else the one remembered from an earlier visit.
 */
export function takeToken(location: Location, history: History, storage: Storage): string | null {
  const url = new URL(location.href)
  const fromUrl = url.searchParams.get('token')
  if (fromUrl) {
    storage.setItem(STORAGE_KEY, fromUrl)
    url.searchParams.delete('token')
    history.replaceState(null, '', url.pathname + url.search + url.hash)
    return fromUrl
  }
  return storage.getItem(STORAGE_KEY)
}

export function forgetToken(storage: Storage): void {
  storage.removeItem(STORAGE_KEY)
}
