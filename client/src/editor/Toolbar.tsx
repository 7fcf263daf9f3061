import type { ReactNode } from 'react'
import type { EditorController } from './controller'
import { runAction } from './actions'
import type { ToolId } from './tools'
import { Icon } from './icons'
import { SamBridge } from '../sam/SamBridge'
import { SmartToolOptions } from '../sam/SmartToolOptions'
import type { ImageAdjustments } from '../canvas'
import { ImageAdjustMenu } from './ImageAdjustMenu'

/** The viewer's image adjustments and how to change them (a view setting, not an edit). */
export interface ImageAdjustProps {
  value: ImageAdjustments
  onChange: (next: ImageAdjustments) => void
}

const TOOLS: Array<{ id: ToolId; name: string }> = [
  { id: 'select', name: 'Select' },
  { id: 'rectangle', name: 'Box' },
  { id: 'polygon', name: 'Polygon' },
  { id: 'polyline', name: 'Polyline' },
  { id: 'points', name: 'Points' },
  { id: 'ellipse', name: 'Ellipse' },
  { id: 'skeleton', name: 'Skeleton' },
  { id: 'mask', name: 'Mask brush' },
  { id: 'eraser', name: 'Mask eraser' },
  { id: 'sam', name: 'SAM' },
  { id: 'wand', name: 'Magic wand' },
  { id: 'scissors', name: 'Scissors' },
]

/** Tool buttons, undo/redo, fit and help; every tooltip comes from the key map. */
export function Toolbar({
  controller,
  imageAdjust,
}: {
  controller: EditorController
  imageAdjust: ImageAdjustProps
}) {
  const { toolId, readOnly } = controller
  const undo = controller.undoReady ? controller.undo : null
  const brush = toolId === 'mask' || toolId === 'eraser'
  return (
    <div className="ed-toolbar" role="toolbar" aria-label="Tools">
      {TOOLS.map((t) => {
        const disabled = readOnly && t.id !== 'select'
        const tip = controller.keys.tooltip(`tool.${t.id}`) + (disabled ? ' — view only' : '')
        return (
          <button
            key={t.id}
            type="button"
            className={toolId === t.id ? 'ed-tool active' : 'ed-tool'}
            title={tip}
            aria-label={t.name}
            aria-pressed={toolId === t.id}
            aria-disabled={disabled || undefined}
            data-tool={t.id}
            onClick={() => !disabled && runAction(controller, `tool.${t.id}`)}
          >
            <Icon name={t.id} />
          </button>
        )
      })}
      {brush && (
        <label
          className="ed-brush"
          title={`${controller.keys.tooltip('brush.smaller')} · ${controller.keys.tooltip('brush.larger')}`}
        >
          <span>Brush</span>
          <input
            type="range"
            min={1}
            max={100}
            value={controller.brushSize}
            onChange={(e) => controller.setBrushSize(Number(e.target.value))}
          />
          <span>{controller.brushSize}px</span>
        </label>
      )}
      <SmartToolOptions controller={controller} />
      <SamBridge controller={controller} />
      <span className="ed-spacer" />
      <ActionButton
        controller={controller}
        action="edit.undo"
        label="Undo"
        disabled={readOnly || !undo?.canUndo()}
      >
        <Icon name="undo" />
      </ActionButton>
      <ActionButton
        controller={controller}
        action="edit.redo"
        label="Redo"
        disabled={readOnly || !undo?.canRedo()}
      >
        <Icon name="redo" />
      </ActionButton>
      <ImageAdjustMenu {...imageAdjust} />
      <ActionButton controller={controller} action="view.fit" label="Fit">
        <Icon name="fit" />
      </ActionButton>
      <ActionButton controller={controller} action="view.shortcuts" label="Change shortcuts">
        <Icon name="keyboard" />
      </ActionButton>
      <ActionButton controller={controller} action="view.help" label="Keyboard shortcuts">
        ?
      </ActionButton>
    </div>
  )
}

/** A toolbar button that runs one key-map action; its tooltip names the action's keys. */
function ActionButton(props: {
  controller: EditorController
  action: string
  label: string
  disabled?: boolean
  children: ReactNode
}) {
  return (
    <button
      type="button"
      className="ed-tool"
      title={props.controller.keys.tooltip(props.action)}
      aria-label={props.label}
      disabled={props.disabled}
      onClick={() => runAction(props.controller, props.action)}
    >
      {props.children}
    </button>
  )
}

const LOADING_ACTIONS: Array<{ label: string; icon: ReactNode }> = [
  { label: 'Undo', icon: <Icon name="undo" /> },
  { label: 'Redo', icon: <Icon name="redo" /> },
  { label: 'Fit', icon: <Icon name="fit" /> },
  { label: 'Change shortcuts', icon: <Icon name="keyboard" /> },
  { label: 'Keyboard shortcuts', icon: '?' },
]

/**
 * The toolbar while the job document loads: the same buttons (so nothing moves when it is
 * ready), all off, since nothing can be edited before the document is there.
 */
export function LoadingToolbar({ imageAdjust }: { imageAdjust: ImageAdjustProps }) {
  return (
    <div className="ed-toolbar" role="toolbar" aria-label="Tools" aria-busy="true">
      {TOOLS.map((t) => (
        <button
          key={t.id}
          type="button"
          className="ed-tool"
          title={`${t.name} — the annotations are loading`}
          aria-label={t.name}
          aria-pressed={false}
          data-tool={t.id}
          disabled
        >
          <Icon name={t.id} />
        </button>
      ))}
      <span className="ed-spacer" />
      {LOADING_ACTIONS.map((a, i) => (
        <span key={a.label} style={{ display: 'contents' }}>
          {/* Adjusting the image needs no annotations: it works while they load. */}
          {i === 2 && <ImageAdjustMenu {...imageAdjust} />}
          <button type="button" className="ed-tool" aria-label={a.label} disabled>
            {a.icon}
          </button>
        </span>
      ))}
    </div>
  )
}
