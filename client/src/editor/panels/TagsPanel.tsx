import type { EditorController } from '../controller'

/** Image-level labels (tags) of the current image. Tags take labels of type `any`. */
export function TagsPanel({ controller }: { controller: EditorController }) {
  const imageId = controller.imageId
  const tags = imageId ? controller.job.listTags(imageId) : []
  const usable = controller.labels.filter((l) => l.type === 'any')
  const add = (labelId: string) => {
    if (!imageId || !labelId) return
    controller.undo.beginGesture()
    controller.write(() => controller.job.addTag({ imageId, labelId }))
  }
  const remove = (id: string) => {
    controller.undo.beginGesture()
    controller.write(() => controller.job.deleteTag(id))
  }
  return (
    <section className="ed-panel" aria-label="Tags">
      <h3>Image tags</h3>
      <ul className="ed-tags" data-testid="tags-panel">
        {tags.map((tag) => {
          const label = controller.project.getLabel(tag.labelId)
          return (
            <li key={tag.id} className="ed-tag" style={{ borderColor: label?.color ?? '#888' }}>
              {label?.name ?? 'Unknown label'}
              {!controller.readOnly && (
                <button
                  type="button"
                  aria-label={`Remove tag ${label?.name ?? ''}`}
                  onClick={() => remove(tag.id)}
                >
                  ×
                </button>
              )}
            </li>
          )
        })}
        {tags.length === 0 && <li className="ed-muted">No tags.</li>}
      </ul>
      {!controller.readOnly && usable.length > 0 && (
        <select aria-label="Add a tag" value="" onChange={(e) => add(e.target.value)}>
          <option value="">Add a tag…</option>
          {usable.map((l) => (
            <option key={l.id} value={l.id}>
              {l.name}
            </option>
          ))}
        </select>
      )}
    </section>
  )
}
