import type { ReactNode } from 'react'
import type { ImageRecord } from '@loupe/model'
import type { EditorController } from '../controller'
import type { RemotePeer } from '../presence'

/** The job's images in order, the current one marked, with who else is on each. */
export function ImageStrip({
  controller,
  peers,
  renderThumbnail,
}: {
  controller: EditorController
  peers: readonly RemotePeer[]
  renderThumbnail?: (image: ImageRecord) => ReactNode
}) {
  const byImage = new Map<string, RemotePeer[]>()
  for (const p of peers)
    if (p.imageId) byImage.set(p.imageId, [...(byImage.get(p.imageId) ?? []), p])
  const images = controller.images
  const index = images.findIndex((i) => i.id === controller.imageId)
  return (
    <nav className="ed-strip" aria-label="Images">
      <button
        type="button"
        className="ed-tool"
        title={controller.keys.tooltip('image.previous')}
        aria-label="Previous image"
        disabled={index <= 0}
        onClick={() => index > 0 && controller.goToImage(images[index - 1]!.id)}
      >
        ‹
      </button>
      <ol data-testid="image-strip">
        {images.map((image) => {
          const current = image.id === controller.imageId
          const here = byImage.get(image.id) ?? []
          return (
            <li key={image.id}>
              <button
                type="button"
                className={current ? 'ed-thumb current' : 'ed-thumb'}
                aria-current={current ? 'true' : undefined}
                title={image.name}
                onClick={() => controller.goToImage(image.id)}
              >
                <span className="ed-thumb-img">{renderThumbnail?.(image)}</span>
                <span className="ed-thumb-name">{image.name}</span>
                {here.length > 0 && (
                  <span className="ed-peers">
                    {here.map((p) => (
                      <span
                        key={p.clientId}
                        className="ed-peer"
                        style={{ background: p.user.color }}
                        title={`${p.user.name} is here`}
                      >
                        {p.user.name.slice(0, 1).toUpperCase()}
                      </span>
                    ))}
                  </span>
                )}
              </button>
            </li>
          )
        })}
      </ol>
      <span className="ed-muted">
        {index + 1} / {images.length}
      </span>
      <button
        type="button"
        className="ed-tool"
        title={controller.keys.tooltip('image.next')}
        aria-label="Next image"
        disabled={index < 0 || index >= images.length - 1}
        onClick={() => index < images.length - 1 && controller.goToImage(images[index + 1]!.id)}
      >
        ›
      </button>
    </nav>
  )
}
