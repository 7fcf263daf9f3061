import { useContext, useEffect } from 'react'
import { ImagesContext } from '../data/hooks'
import type { EditorController } from '../editor/controller'
import { useSam } from './use-sam'

/** How many of the job's next images get their embedding while the worker is idle. */
const PRECOMPUTE_AHEAD = 3
const SMART_TOOLS = new Set(['sam', 'wand', 'scissors'])

/**
 * Connects the editor to the SAM service: image files from the app's blob store, and the
 * embedding of the image on screen (then of the next ones) once a model is loaded or the SAM
 * tool is picked. Renders nothing.
 */
export function SamBridge({ controller }: { controller: EditorController }) {
  const sam = useSam()
  const images = useContext(ImagesContext)
  useEffect(() => {
    sam.setImageLoader(images ? (sha256) => images.blobs.get(sha256) : null)
  }, [sam, images])

  const image = controller.image
  const sha256 = image?.sha256 ?? null
  const wantsModel = controller.toolId === 'sam' && !controller.readOnly
  const ready = sam.ready
  const smart = SMART_TOOLS.has(controller.toolId)
  useEffect(() => {
    sam.setCurrentImage(sha256)
  }, [sam, sha256])
  useEffect(() => {
    if (!image || !images || !(ready || wantsModel)) return
    let live = true
    void sam.encode(image).then((ok) => {
      if (!ok || !live) return
      const next = Array.from({ length: PRECOMPUTE_AHEAD }, (_, i) => controller.imageAt(i + 1))
      sam.precompute(next.filter((i) => i !== undefined))
    })
    return () => {
      live = false
    }
    // The image's identity is its SHA-256.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [sam, sha256, images, ready, wantsModel, controller])
  useEffect(() => {
    if (!smart) sam.setSuggestion(null)
  }, [sam, smart])
  // The SAM tool with no model at all: ask for one.
  useEffect(() => {
    if (wantsModel && sam.status.state === 'none' && !sam.remembered) sam.setDialogOpen(true)
  }, [sam, wantsModel])
  return null
}
