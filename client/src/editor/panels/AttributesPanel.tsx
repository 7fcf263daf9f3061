import type { AttributeValue, NodeVisibility } from '@loupe/model'
import type { EditorController } from '../controller'
import { AttributeField } from './AttributeField'

/**
 * The selected object's attributes per its label. Attributes that are not `mutable` can be
 * set while the object is new (drawn in this session) and are read-only after that.
 */
export function AttributesPanel({ controller }: { controller: EditorController }) {
  const shape = controller.selected
  const label = shape ? controller.project.getLabel(shape.labelId) : undefined
  const set = (attributeId: string, value: AttributeValue) => {
    if (!shape) return
    controller.undo.beginGesture()
    controller.write(() => controller.job.setAttribute(shape.id, attributeId, value))
  }
  const setNode = (node: number, value: NodeVisibility) => {
    if (!shape?.visibility) return
    const visibility = shape.visibility.map((v, i) => (i === node ? value : v))
    controller.undo.beginGesture()
    controller.write(() => controller.job.updateShape(shape.id, { visibility }))
  }
  return (
    <section className="ed-panel" aria-label="Attributes" data-testid="attributes-panel">
      <h3>Attributes</h3>
      {!shape || !label ? (
        <p className="ed-muted">Select an object to see its attributes.</p>
      ) : (
        <>
          <p className="ed-muted">
            {label.name} · {shape.type} · by {shape.createdBy || 'someone'}
          </p>
          {label.attributes.length === 0 && (
            <p className="ed-muted">{label.name} has no attributes.</p>
          )}
          {shape.type === 'skeleton' && label.skeleton && (
            <div
              className="ed-fields ed-nodes"
              role="group"
              aria-label="Nodes"
              data-testid="skeleton-nodes"
            >
              {label.skeleton.nodes.map((node, i) => (
                <div className="ed-field" key={node}>
                  <label htmlFor={`node-${i}`}>{node}</label>
                  <select
                    id={`node-${i}`}
                    value={shape.visibility?.[i] ?? 'visible'}
                    disabled={!controller.canEdit(shape.id)}
                    onChange={(e) => setNode(i, e.target.value as NodeVisibility)}
                  >
                    <option value="visible">visible</option>
                    <option value="occluded">occluded</option>
                    <option value="hidden">not in the image</option>
                  </select>
                </div>
              ))}
            </div>
          )}
          <div className="ed-fields">
            {label.attributes.map((attribute) => {
              const editable =
                controller.canEdit(shape.id) &&
                (attribute.mutable || controller.createdHere.has(shape.id))
              return (
                <div className="ed-field" key={attribute.id}>
                  <label htmlFor={`attr-${attribute.id}`}>{attribute.name}</label>
                  <AttributeField
                    attribute={attribute}
                    value={shape.attributes[attribute.id]}
                    disabled={!editable}
                    onChange={(v) => set(attribute.id, v)}
                  />
                </div>
              )
            })}
          </div>
        </>
      )}
    </section>
  )
}
