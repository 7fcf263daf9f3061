// onnxruntime's wasm (28 MB) is cached on first use by the service worker (vite.config.ts:
// runtime cache `loupe-models`), but a page the service worker did not control yet (the very
// first visit) fetches it past the worker. Once a model loads, the page puts it there itself,
// so SAM works offline from then on.

import ortWasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.jsep.wasm?url'

/** The service worker's runtime cache for onnxruntime's wasm (vite.config.ts). */
export const RUNTIME_CACHE = 'loupe-models'

export async function keepRuntimeOffline(): Promise<void> {
  if (typeof caches === 'undefined') return
  const cache = await caches.open(RUNTIME_CACHE)
  if (!(await cache.match(ortWasmUrl))) await cache.add(ortWasmUrl)
}
