import type { AttributeValue } from '@loupe/model'
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
