/// <reference lib="webworker" />
import ortWasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.jsep.wasm?url'
import { modelInputSize, type RgbaImage, type Size } from '@loupe/sam'
import { openEmbeddingCache } from './sam-embedding-cache'
import { bitmapPixels, decodeForEncoder } from './sam-image-decode'
import { SamHost } from './sam-host'
import { openModelCache } from './sam-model-store'
import { configureOrt, createOrtSession } from './sam-ort'
import type { ImageInput, PageMessage } from './sam-protocol'

/**
 * Segment Anything off the main thread (protocol: sam-protocol.ts, client: sam-client.ts):
 * onnxruntime-web (WebGPU when available, else wasm, multithreaded when cross-origin isolated),
 * models cached in Cache Storage, embeddings in IndexedDB; magic wand and live-wire too.
 */
declare const self: DedicatedWorkerGlobalScope

/**
 * Multithreaded onnxruntime (a cross-origin isolated page) starts its threads as workers of this
 * very script, named `em-pthread…`: those are onnxruntime's, so none of the SAM worker's own
 * set-up may run there (its `onmessage` would take the thread's messages and hang every load).
 */
const isOrtThread = self.name.startsWith('em-pthread')

async function decodeImage(
  source: ImageInput['source'],
  mode: 'model' | 'full',
): Promise<{ pixels: RgbaImage; original: Size }> {
  if (!(source instanceof Blob))
    return { pixels: source, original: { width: source.width, height: source.height } }
  // The encoder's pixels are decoded at SAM's input size (the size read from the header).
  const reduced = mode === 'model' ? await decodeForEncoder(source) : null
  if (reduced) return reduced
  const bitmap = await createImageBitmap(source)
  try {
    const original = { width: bitmap.width, height: bitmap.height }
    const size = mode === 'model' ? modelInputSize(original) : original
    return { pixels: bitmapPixels(bitmap, size), original }
  } finally {
    bitmap.close()
  }
}

const post = (message: Parameters<typeof self.postMessage>[0]) => self.postMessage(message)

function start(): void {
  // Vite serves/emits onnxruntime's wasm as an asset; point onnxruntime at it.
  const { threads } = configureOrt({ wasmUrl: ortWasmUrl })
  const host = Promise.all([
    openModelCache().catch(() => null),
    openEmbeddingCache().catch(() => null),
  ]).then(
    ([modelCache, embeddings]) =>
      new SamHost(post, {
        createSession: createOrtSession,
        modelCache,
        embeddings,
        decodeImage,
        threads,
      }),
  )
  self.onmessage = (event: MessageEvent<PageMessage>) => {
    void host.then((h) => h.handle(event.data))
  }
}

if (!isOrtThread) start()
