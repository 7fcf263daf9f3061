// Finding an annotation file's images in an archive, and their sizes when the file does not say.

import { probeImage } from '@loupe/imaging'
import { basename, isImagePath, normalizePath, type FileTree } from '../files'
import type { ReadOptions } from '../format'

/** Looks up image files by candidate paths, falling back to a unique file of the same base name. */
export class ImageFiles {
  private byBase: Map<string, string[]> | undefined
  private readonly images = new Set<string>()

  constructor(tree: FileTree) {
    for (const [path] of tree.entries()) if (isImagePath(path)) this.images.add(path)
  }

  /** The path of the image's bytes: the first candidate that exists, else a unique base-name match. */
  find(candidates: readonly string[], name: string): string | undefined {
    if (this.images.size === 0) return undefined
    for (const candidate of candidates) {
      const path = isClean(candidate) ? candidate : normalizePath(candidate)
      if (this.images.has(path)) return path
    }
    const matches = this.index().get(basename(name).toLowerCase())
    return matches?.length === 1 ? matches[0] : undefined
  }

  private index(): Map<string, string[]> {
    if (!this.byBase) {
      this.byBase = new Map()
      for (const path of this.images) {
        const key = basename(path).toLowerCase()
        const list = this.byBase.get(key)
        if (list) list.push(path)
        else this.byBase.set(key, [path])
      }
    }
    return this.byBase
  }
}

/** A name as a dataset keeps it: `/`-separated and relative (absolute paths keep the base name). */
export function imageName(path: string): string {
  if (isClean(path)) return path
  const clean = path.replace(/\\/g, '/')
  if (clean.startsWith('/') || /^[A-Za-z]:\//.test(clean) || clean.split('/').includes('..')) {
    return basename(clean)
  }
  return normalizePath(clean)
}

/**
 * An image's size: as the annotation file declares it, else read from its bytes, else what the
 * target project knows (`options.imageSize`); undefined when none of them knows.
 */
export function resolveImageSize(
  name: string,
  declared: { width?: number; height?: number },
  bytes: Uint8Array | undefined,
  options: ReadOptions | undefined,
): { width: number; height: number } | undefined {
  const { width, height } = declared
  if (width && height && width > 0 && height > 0) return { width, height }
  if (bytes) {
    const probe = probeImage(bytes)
    if (probe.ok) return { width: probe.image.width, height: probe.image.height }
  }
  return options?.imageSize?.(name) ?? options?.imageSize?.(basename(name))
}

/** Already in FileTree's normal form: no `\\`, no leading `/`, no empty, `.` or `..` segments. */
function isClean(path: string): boolean {
  return (
    path !== '' &&
    !path.startsWith('/') &&
    !path.endsWith('/') &&
    !path.includes('\\') &&
    !path.includes('//') &&
    !/(^|\/)\.\.?(\/|$)/.test(path)
  )
}
