import { createHash } from 'node:crypto'
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises'
import { join, resolve, sep } from 'node:path'
import { z } from 'zod'

/** Largest model accepted (upload or download). */
export const MAX_MODEL_BYTES = 1024 * 1024 * 1024

/**
 * Where auto-annotate's model comes from: a model uploaded with `POST /api/projects/:id/models`
 * (by its sha256), a file in the models folder (`<artifact dir>/models`, put there by an admin),
 * or an http(s) URL downloaded at the start of the run.
 */
export const modelSourceSchema = z.union([
  z.strictObject({ sha256: z.string().regex(/^[0-9a-f]{64}$/, 'expected a lowercase sha256') }),
  z.strictObject({
    path: z
      .string()
      .min(1)
      .refine((p) => !p.split(/[\\/]/).includes('..'), 'expected a path inside the models folder'),
  }),
  z.strictObject({ url: z.url({ protocol: /^https?$/ }) }),
])
export type ModelSource = z.infer<typeof modelSourceSchema>

export const modelsDir = (artifactDir: string) => join(artifactDir, 'models')

/** Stores an uploaded model by content; returns its sha256. */
export async function storeModel(artifactDir: string, bytes: Uint8Array): Promise<string> {
  const sha256 = createHash('sha256').update(bytes).digest('hex')
  const dir = modelsDir(artifactDir)
  await mkdir(dir, { recursive: true })
  const temp = join(dir, `.${sha256}.${process.pid}.tmp`)
  await writeFile(temp, bytes)
  await rename(temp, join(dir, `${sha256}.onnx`))
  return sha256
}

export async function loadModel(
  artifactDir: string,
  source: ModelSource,
  signal: AbortSignal,
): Promise<Uint8Array> {
  const dir = resolve(modelsDir(artifactDir))
  if ('sha256' in source) {
    try {
      return await readFile(join(dir, `${source.sha256}.onnx`))
    } catch {
      throw new Error(`model.sha256: no uploaded model ${source.sha256}`)
    }
  }
  if ('path' in source) {
    const path = resolve(dir, source.path)
    if (!path.startsWith(dir + sep)) throw new Error('model.path: outside the models folder')
    try {
      return await readFile(path)
    } catch {
      throw new Error(`model.path: no file ${source.path} in the models folder`)
    }
  }
  const response = await fetch(source.url, { signal })
  if (!response.ok) throw new Error(`model.url: ${response.status} ${response.statusText}`)
  const length = Number(response.headers.get('content-length') ?? 0)
  if (length > MAX_MODEL_BYTES) throw new Error('model.url: the model is too large')
  const bytes = new Uint8Array(await response.arrayBuffer())
  if (bytes.byteLength > MAX_MODEL_BYTES) throw new Error('model.url: the model is too large')
  return bytes
}
