/**
 * Adds a set of event listeners to one target and returns the function that removes them all, so
 * gesture code lists its handlers once instead of once to add and once to remove.
 */
export function listen<EventMap>(
  target: EventTarget,
  handlers: { [K in keyof EventMap]?: (event: EventMap[K]) => void },
  options?: AddEventListenerOptions,
): () => void {
  const entries = Object.entries(handlers) as [string, EventListener][]
  for (const [type, handler] of entries) target.addEventListener(type, handler, options)
  return () => {
    for (const [type, handler] of entries) target.removeEventListener(type, handler, options)
  }
}
