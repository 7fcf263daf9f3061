import { useCallback, useEffect, useRef, useState } from 'react'
import type { FormatInfo } from '../../../worker/src/formats-protocol'
import { FormatsClient, createFormatsWorker } from './client'

/**
 * A formats worker for as long as the component is mounted: started on first use, terminated on
 * unmount (which also fails whatever it was running).
 */
export function useFormatsClient(): () => FormatsClient {
  const ref = useRef<FormatsClient | null>(null)
  useEffect(
    () => () => {
      ref.current?.terminate()
      ref.current = null
    },
    [],
  )
  return useCallback(() => (ref.current ??= new FormatsClient(createFormatsWorker)), [])
}

/** The formats the worker knows (id, name, capabilities), or the error that kept it from telling. */
export function useFormatList(client: () => FormatsClient): {
  formats: FormatInfo[] | null
  error: string | null
} {
  const [state, setState] = useState<{ formats: FormatInfo[] | null; error: string | null }>({
    formats: null,
    error: null,
  })
  useEffect(() => {
    const abort = new AbortController()
    client()
      .run({ kind: 'formats' }, { signal: abort.signal })
      .then(
        (result) => setState({ formats: result.formats, error: null }),
        (error: unknown) => {
          if (!abort.signal.aborted) {
            setState({
              formats: null,
              error: error instanceof Error ? error.message : String(error),
            })
          }
        },
      )
    return () => abort.abort()
  }, [client])
  return state
}
