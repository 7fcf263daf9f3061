import type { ShapeType } from '@loupe/model'
import { deleteShape, relabel, toggleView } from '../actions'
import type { EditorController } from '../controller'
import { Icon } from '../icons'

/** Short names that fit the narrow panel (the full type is the tooltip). */
const SHORT_NAMES: Record<ShapeType, string> = {
  rectangle: 'Box',
  polygon: 'Poly',
  polyline: 'Line',
  points: 'Pts',
  ellipse: 'Ellipse',
  mask: 'Mask',
  skeleton: 'Skel',
}

/** The objects of the current image, top first: select, hide, lock, relabel, delete. */
export function ObjectsPanel({ controller }: { controller: EditorController }) {
  const shapes = controller.mirror.list.reverse()
  const labels = controller.labels
  return (
    <section className="ed-panel" aria-label="Objects">
      <h3>
        Objects <span className="ed-count">{shapes.length}</span>
      </h3>
      {shapes.length === 0 && <p className="ed-muted">No objects on this image.</p>}
      <ul className="ed-list ed-objects" data-testid="objects-panel">
        {shapes.map((shape, index) => {
          const label = controller.project.getLabel(shape.labelId)
          const hidden = controller.view.hidden.has(shape.id)
          const locked = controller.view.locked.has(shape.id)
          const selected = shape.id === controller.selectedId
          const editable = controller.canEdit(shape.id)
          return (
            <li
              key={shape.id}
              className={selected ? 'ed-object selected' : 'ed-object'}
              data-shape-id={shape.id}
            >
              <button
                type="button"
                className="ed-object-main"
                aria-pressed={selected}
                onClick={() => controller.select(shape.id)}
              >
                <span className="ed-swatch" style={{ background: label?.color ?? '#888' }} />
                <span className="ed-name" title={shape.type}>
                  {shapes.length - index}. {SHORT_NAMES[shape.type]}
                </span>
              </button>
              <select
                aria-label="Label"
                value={shape.labelId}
                disabled={!editable}
                onChange={(e) => relabel(controller, shape.id, e.target.value)}
              >
                {labels
                  .filter(
                    (l) => l.type === 'any' || l.type === shape.type || l.id === shape.labelId,
                  )
                  .map((l) => (
                    <option key={l.id} value={l.id}>
                      {l.name}
                    </option>
                  ))}
              </select>
              <ViewToggle controller={controller} which="hidden" on={hidden} shapeId={shape.id} />
              <ViewToggle controller={controller} which="locked" on={locked} shapeId={shape.id} />
              <button
                type="button"
                className="ed-icon danger"
                title={controller.keys.tooltip('object.delete')}
                aria-label="Delete"
                disabled={!editable}
                onClick={() => deleteShape(controller, shape.id)}
              >
                <Icon name="trash" size={15} />
              </button>
            </li>
          )
        })}
      </ul>
    </section>
  )
}

/** Per-user view state toggles: their action (for the tooltip), labels and icons. */
const VIEW_TOGGLES = {
  hidden: {
    action: 'object.hide',
    onLabel: 'Show',
    offLabel: 'Hide',
    onIcon: 'eyeOff',
    offIcon: 'eye',
  },
  locked: {
    action: 'object.lock',
    onLabel: 'Unlock',
    offLabel: 'Lock',
    onIcon: 'lock',
    offIcon: 'unlock',
  },
} as const

function ViewToggle(props: {
  controller: EditorController
  which: keyof typeof VIEW_TOGGLES
  on: boolean
  shapeId: string
}) {
  const toggle = VIEW_TOGGLES[props.which]
  return (
    <button
      type="button"
      className="ed-icon"
      aria-pressed={props.on}
      title={props.controller.keys.tooltip(toggle.action)}
      aria-label={props.on ? toggle.onLabel : toggle.offLabel}
      onClick={() => toggleView(props.controller, props.which, props.shapeId)}
    >
      <Icon name={props.on ? toggle.onIcon : toggle.offIcon} size={15} />
    </button>
  )
}
