import { useEffect, useLayoutEffect, useRef, useState } from 'react'
import type { ShapeRecord, ShapeType } from '@loupe/model'
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

/** Every row has this height (CSS `.ed-object`), so only the rows in view are rendered. */
export const OBJECT_ROW_PX = 28
/** Rows rendered above and below the visible ones (smooth scrolling, keyboard focus). */
const OVERSCAN = 12

/**
 * The objects of the current image, top first: select, hide, lock, relabel, delete. Virtualised:
 * an image with 10,000 shapes renders the ~20 rows in view, not 10,000 (which took seconds of
 * DOM work when a big job opened and on every change).
 */
export function ObjectsPanel({ controller }: { controller: EditorController }) {
  // Bottom to top; row i (top first) shows list[count - 1 - i].
  const list = controller.mirror.list
  const count = list.length
  const at = (row: number) => list[count - 1 - row]!
  const scrollRef = useRef<HTMLDivElement>(null)
  const [view, setView] = useState({ top: 0, height: 260 })
  useLayoutEffect(() => {
    const element = scrollRef.current
    if (!element) return
    const read = () => setView({ top: element.scrollTop, height: element.clientHeight || 260 })
    read()
    element.addEventListener('scroll', read, { passive: true })
    const resize = new ResizeObserver(read)
    resize.observe(element)
    return () => {
      element.removeEventListener('scroll', read)
      resize.disconnect()
    }
  }, [])
  // The selected shape's row comes into view (selected on the canvas, or with Tab).
  const selectedId = controller.selectedId
  const selectedAt = selectedId ? list.findIndex((s) => s.id === selectedId) : -1
  const selectedIndex = selectedAt < 0 ? -1 : count - 1 - selectedAt
  useEffect(() => {
    const element = scrollRef.current
    if (!element || selectedIndex < 0) return
    const top = selectedIndex * OBJECT_ROW_PX
    if (top < element.scrollTop) element.scrollTop = top
    else if (top + OBJECT_ROW_PX > element.scrollTop + element.clientHeight)
      element.scrollTop = top + OBJECT_ROW_PX - element.clientHeight
  }, [selectedIndex])
  const rows = visibleRows(count, view.top, view.height)
  return (
    <section className="ed-panel" aria-label="Objects">
      <h3>
        Objects <span className="ed-count">{count}</span>
      </h3>
      {count === 0 && <p className="ed-muted">No objects on this image.</p>}
      <div className="ed-objects" ref={scrollRef}>
        <ul
          className="ed-list"
          data-testid="objects-panel"
          style={{ height: count * OBJECT_ROW_PX }}
        >
          {rows.map((index) => (
            <ObjectRow
              key={at(index).id}
              controller={controller}
              shape={at(index)}
              number={count - index}
              count={count}
              top={index * OBJECT_ROW_PX}
            />
          ))}
        </ul>
      </div>
    </section>
  )
}

/** Indices of the rows in view (plus OVERSCAN either side) of a list scrolled to `top`. */
export function visibleRows(count: number, top: number, height: number): number[] {
  const first = Math.max(0, Math.floor(top / OBJECT_ROW_PX) - OVERSCAN)
  const last = Math.min(count, Math.ceil((top + height) / OBJECT_ROW_PX) + OVERSCAN)
  const rows: number[] = []
  for (let i = first; i < last; i++) rows.push(i)
  return rows
}

function ObjectRow({
  controller,
  shape,
  number,
  count,
  top,
}: {
  controller: EditorController
  shape: ShapeRecord
  /** 1 = the bottom-most shape. */
  number: number
  count: number
  top: number
}) {
  const label = controller.project.getLabel(shape.labelId)
  const hidden = controller.view.hidden.has(shape.id)
  const locked = controller.view.locked.has(shape.id)
  const selected = shape.id === controller.selectedId
  const editable = controller.canEdit(shape.id)
  return (
    <li
      className={selected ? 'ed-object selected' : 'ed-object'}
      data-shape-id={shape.id}
      aria-posinset={count - number + 1}
      aria-setsize={count}
      style={{ transform: `translateY(${top}px)` }}
    >
      <button
        type="button"
        className="ed-object-main"
        aria-pressed={selected}
        onClick={() => controller.select(shape.id)}
      >
        <span className="ed-swatch" style={{ background: label?.color ?? '#888' }} />
        <span className="ed-name" title={shape.type}>
          {number}. {SHORT_NAMES[shape.type]}
        </span>
      </button>
      <select
        aria-label="Label"
        value={shape.labelId}
        disabled={!editable}
        onChange={(e) => relabel(controller, shape.id, e.target.value)}
      >
        {controller.labels
          .filter((l) => l.type === 'any' || l.type === shape.type || l.id === shape.labelId)
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
