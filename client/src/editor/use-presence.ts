import { useCallback, useEffect, useMemo, useState } from 'react'
import type { Awareness } from 'y-protocols/awareness'
import type { EditorController, EditorUser } from './controller'
import { CursorPublisher, cursorsOn, remotePeers, type RemotePeer } from './presence'

/**
 * Presence for the editor: publishes the current image and selection, returns the cursor
 * callback for the canvas, draws others' cursors on this image, and lists everyone's peers.
 */
export function usePresence(
  controller: EditorController | null,
  awareness: Awareness | undefined,
  user: EditorUser,
  imageName: string | undefined,
): { peers: RemotePeer[]; onCursor: (p: { x: number; y: number } | null) => void } {
  const [peers, setPeers] = useState<RemotePeer[]>([])
  const publisher = useMemo(() => (awareness ? new CursorPublisher(awareness) : null), [awareness])
  useEffect(() => () => publisher?.destroy(), [publisher])

  useEffect(() => {
    if (!awareness || !controller) return
    const update = () => {
      const next = remotePeers(awareness, user)
      setPeers(next)
      controller.setRemoteCursors(cursorsOn(next, controller.imageId))
    }
    update()
    awareness.on('change', update)
    let shownImage = controller.imageId
    const stop = controller.subscribe(() => {
      if (controller.imageId === shownImage) return
      // The image changed: show the cursors of people on the new one.
      shownImage = controller.imageId
      controller.setRemoteCursors(cursorsOn(remotePeers(awareness, user), shownImage))
    })
    return () => {
      awareness.off('change', update)
      stop()
    }
  }, [awareness, controller, user])

  const imageId = controller?.imageId ?? null
  const selectedId = controller?.selectedId ?? null
  useEffect(() => {
    if (!awareness) return
    if (awareness.getLocalState() === null) return
    const current = awareness.getLocalState()?.image as { id?: unknown } | null | undefined
    if (imageId && current?.id !== imageId) {
      awareness.setLocalStateField('image', { id: imageId, name: imageName ?? '' })
    }
  }, [awareness, imageId, imageName])
  useEffect(() => {
    if (!awareness || awareness.getLocalState() === null) return
    awareness.setLocalStateField('selection', selectedId ? { shapeId: selectedId } : null)
  }, [awareness, selectedId])

  const onCursor = useCallback(
    (p: { x: number; y: number } | null) => {
      const id = controller?.imageId
      publisher?.set(p && id ? { imageId: id, x: p.x, y: p.y } : null)
    },
    [publisher, controller],
  )
  return { peers, onCursor }
}
