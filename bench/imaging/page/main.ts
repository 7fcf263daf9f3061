/// <reference lib="dom" />
// The PNG decode page: window.loupePng.decode(request) runs one decode in a fresh worker and
// returns its result, pixels as a plain array's worth of bytes (base64) for Playwright.
import type { DecodeRequest, DecodeResult, PageResult } from './protocol'

declare global {
  interface Window {
    loupePng: {
      /** One decode in a fresh worker. */
      decode(request: DecodeRequest): Promise<PageResult>
      /** Decodes one after another in one worker (many small files). */
      decodeAll(requests: DecodeRequest[]): Promise<PageResult[]>
    }
  }
}

function toBase64(bytes: Uint8ClampedArray): string {
  let text = ''
  for (let i = 0; i < bytes.length; i += 0x8000) {
    text += String.fromCharCode(...bytes.subarray(i, i + 0x8000))
  }
  return btoa(text)
}

const startWorker = () =>
  new Worker(new URL('./decode.worker.ts', import.meta.url), { type: 'module' })

function decodeIn(worker: Worker, request: DecodeRequest): Promise<PageResult> {
  return new Promise((resolve) => {
    worker.onmessage = (event: MessageEvent<DecodeResult>) => {
      const result = event.data
      if (!result.ok) return resolve(result)
      const { data, ...rest } = result
      resolve({ ...rest, base64: toBase64(data) })
    }
    worker.postMessage(request)
  })
}

window.loupePng = {
  async decode(request) {
    const worker = startWorker()
    try {
      return await decodeIn(worker, request)
    } finally {
      worker.terminate()
    }
  },
  async decodeAll(requests) {
    const worker = startWorker()
    try {
      const results: PageResult[] = []
      for (const request of requests) results.push(await decodeIn(worker, request))
      return results
    } finally {
      worker.terminate()
    }
  },
}
