import { useEffect, useRef, useState } from 'react'
import type { ModelSource } from '../../../worker/src/sam-client'
import { describeProgress, formatBytes, progressFraction } from './format'
import { useSam } from './use-sam'
import './sam.css'

/**
 * Where the user gives Loupe a Segment Anything model: an encoder and a decoder ONNX file, by
 * URL or picked from disk. Shows download progress and what is wrong with a file that does not
 * fit; the loaded pair is cached by the worker and loads again offline.
 */
export function ModelDialog() {
  const sam = useSam()
  const ref = useRef<HTMLDialogElement>(null)
  const remembered = sam.remembered
  const [encoderUrl, setEncoderUrl] = useState(remembered?.encoder.url ?? '')
  const [decoderUrl, setDecoderUrl] = useState(remembered?.decoder.url ?? '')
  const [files, setFiles] = useState<{ encoder?: File; decoder?: File }>({})
  useEffect(() => {
    const dialog = ref.current
    if (dialog && !dialog.open) dialog.showModal()
  }, [])
  const close = () => sam.setDialogOpen(false)
  const status = sam.status
  const loading = status.state === 'loading'

  const loadUrls = () => {
    const encoder = encoderUrl.trim()
    const decoder = decoderUrl.trim()
    if (!encoder || !decoder) return
    const abs = (u: string) => new URL(u, location.href).href
    void sam.load({ url: abs(encoder) }, { url: abs(decoder) }, { encoder, decoder })
  }
  const loadFiles = async () => {
    const { encoder, decoder } = files
    if (!encoder || !decoder) return
    const read = async (f: File): Promise<ModelSource> => ({
      bytes: new Uint8Array(await f.arrayBuffer()),
      name: f.name,
    })
    void sam.load(await read(encoder), await read(decoder))
  }

  const fraction = loading ? progressFraction(status.progress) : undefined
  return (
    <dialog
      ref={ref}
      className="ed-help sam-dialog"
      aria-label="Segment Anything model"
      data-testid="sam-model-dialog"
      onClose={close}
      onCancel={close}
    >
      <header>
        <h2>Segment Anything model</h2>
        <button type="button" onClick={close} aria-label="Close">
          ✕
        </button>
      </header>
      <p className="sam-muted">
        An encoder and a decoder in ONNX (the official SAM / MobileSAM export, or SlimSAM as used by
        transformers.js). They run in this browser and are kept for offline use.
      </p>
      <div className="sam-status" role="status" data-testid="sam-model-status">
        {status.state === 'ready' && (
          <>
            <strong>Ready</strong> — {status.info.encoder.name} (
            {formatBytes(status.info.encoder.bytes)}) + {status.info.decoder.name} (
            {formatBytes(status.info.decoder.bytes)}), {status.info.family}, {status.info.backend}
            {status.info.threads > 1 ? ` × ${status.info.threads} threads` : ''}
            {status.info.encoder.fromCache ? ', from the offline cache' : ''}
          </>
        )}
        {status.state === 'none' &&
          (remembered
            ? `Not loaded yet: ${remembered.encoder.name} + ${remembered.decoder.name} (cached)`
            : 'No model loaded.')}
        {loading && (
          <>
            <span>{describeProgress(status.progress)}</span>
            <progress
              max={1}
              value={fraction}
              aria-label="Model download"
              data-testid="sam-progress"
            />
            <button type="button" className="ed-text-button" onClick={() => sam.cancelLoad()}>
              Cancel
            </button>
          </>
        )}
      </div>
      {status.state === 'error' && (
        <div className="sam-error" role="alert" data-testid="sam-model-error">
          <strong>{status.title}</strong>
          <span>{status.message}</span>
        </div>
      )}
      <fieldset disabled={loading}>
        <legend>From URLs</legend>
        <label>
          Encoder URL
          <input
            type="url"
            value={encoderUrl}
            placeholder="https://…/mobile_sam_encoder.onnx"
            onChange={(e) => setEncoderUrl(e.target.value)}
          />
        </label>
        <label>
          Decoder URL
          <input
            type="url"
            value={decoderUrl}
            placeholder="https://…/sam_decoder.onnx"
            onChange={(e) => setDecoderUrl(e.target.value)}
          />
        </label>
        <button
          type="button"
          className="sam-primary"
          disabled={!encoderUrl.trim() || !decoderUrl.trim()}
          onClick={loadUrls}
        >
          Load from URLs
        </button>
      </fieldset>
      <fieldset disabled={loading}>
        <legend>From files</legend>
        <label>
          Encoder file
          <input
            type="file"
            accept=".onnx,application/octet-stream"
            onChange={(e) => setFiles((f) => ({ ...f, encoder: e.target.files?.[0] }))}
          />
        </label>
        <label>
          Decoder file
          <input
            type="file"
            accept=".onnx,application/octet-stream"
            onChange={(e) => setFiles((f) => ({ ...f, decoder: e.target.files?.[0] }))}
          />
        </label>
        <button
          type="button"
          className="sam-primary"
          disabled={!files.encoder || !files.decoder}
          onClick={() => void loadFiles()}
        >
          Load files
        </button>
      </fieldset>
      <footer>
        <button
          type="button"
          className="ed-text-button"
          disabled={loading || (!remembered && status.state !== 'ready')}
          onClick={() => void sam.forget()}
        >
          Forget the model and clear its caches
        </button>
        <span className="ed-spacer" />
        <button type="button" onClick={close}>
          {status.state === 'ready' ? 'Done' : 'Close'}
        </button>
      </footer>
    </dialog>
  )
}
