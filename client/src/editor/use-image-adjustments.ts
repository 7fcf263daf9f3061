// The viewer's image adjustments (brightness, contrast, saturation, gamma), kept in this browser
// for every job: a view preference like the key map, never part of the shared document. Other
// open tabs follow a change at once (storage event).

import { useCallback, useEffect, useState } from 'react'
import { NO_ADJUSTMENTS, parseAdjustments, type ImageAdjustments } from '../canvas'
import { browserStorage } from '../browser-storage'

export const IMAGE_ADJUSTMENTS_KEY = 'loupe.view.imageAdjustments'

function read(): ImageAdjustments {
  try {
    const raw = browserStorage()?.getItem(IMAGE_ADJUSTMENTS_KEY)
    return raw ? parseAdjustments(JSON.parse(raw)) : { ...NO_ADJUSTMENTS }
  } catch {
    return { ...NO_ADJUSTMENTS } // a damaged entry only loses the preference
  }
}

export function useImageAdjustments(): [ImageAdjustments, (next: ImageAdjustments) => void] {
  const [adjustments, setAdjustments] = useState(read)
  useEffect(() => {
    const onStorage = (event: StorageEvent) => {
      if (event.key === IMAGE_ADJUSTMENTS_KEY || event.key === null) setAdjustments(read())
    }
    window.addEventListener('storage', onStorage)
    return () => window.removeEventListener('storage', onStorage)
  }, [])
  const change = useCallback((next: ImageAdjustments) => {
    const parsed = parseAdjustments(next)
    setAdjustments(parsed)
    try {
      browserStorage()?.setItem(IMAGE_ADJUSTMENTS_KEY, JSON.stringify(parsed))
    } catch {
      // Storage full or denied: the adjustment still holds in this tab.
    }
  }, [])
  return [adjustments, change]
}
