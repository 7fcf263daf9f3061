import { useEffect, useRef, useState } from 'react'
import {
  ADJUSTMENT_RANGES,
  NO_ADJUSTMENTS,
  isNoAdjustment,
  type AdjustmentName,
  type ImageAdjustments,
} from '../canvas'
import { Icon } from './icons'

const LABELS: Record<AdjustmentName, string> = {
  brightness: 'Brightness',
  contrast: 'Contrast',
  saturation: 'Saturation',
  gamma: 'Gamma',
}

const shown = (name: AdjustmentName, value: number) =>
  name === 'gamma' ? value.toFixed(2) : `${Math.round(value * 100)}%`

/**
 * The toolbar's image adjustments: brightness, contrast, saturation and gamma of the picture on
 * screen for this viewer (viewers too: it changes nothing shared), with a reset. The button is
 * highlighted while any adjustment is on, so a dim image is never mistaken for the file.
 */
export function ImageAdjustMenu(props: {
  value: ImageAdjustments
  onChange: (next: ImageAdjustments) => void
}) {
  const { value, onChange } = props
  const [open, setOpen] = useState(false)
  const root = useRef<HTMLDivElement>(null)
  useEffect(() => {
    if (!open) return
    const onPointer = (event: PointerEvent) => {
      if (!root.current?.contains(event.target as Node)) setOpen(false)
    }
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== 'Escape') return
      event.preventDefault() // the editor's Escape (cancel drawing) is not meant
      setOpen(false)
    }
    window.addEventListener('pointerdown', onPointer, true)
    window.addEventListener('keydown', onKey, true)
    return () => {
      window.removeEventListener('pointerdown', onPointer, true)
      window.removeEventListener('keydown', onKey, true)
    }
  }, [open])
  const adjusted = !isNoAdjustment(value)
  return (
    <div className="ed-adjust" ref={root}>
      <button
        type="button"
        className={adjusted ? 'ed-tool adjusted' : 'ed-tool'}
        title={adjusted ? 'Image adjustments (on)' : 'Image adjustments'}
        aria-label="Image adjustments"
        aria-expanded={open}
        data-adjusted={adjusted || undefined}
        onClick={() => setOpen(!open)}
      >
        <Icon name="adjust" />
      </button>
      {open && (
        <div className="ed-adjust-panel" role="group" aria-label="Image adjustments">
          {(Object.keys(ADJUSTMENT_RANGES) as AdjustmentName[]).map((name) => {
            const [min, max] = ADJUSTMENT_RANGES[name]
            return (
              <label key={name}>
                <span>{LABELS[name]}</span>
                <input
                  type="range"
                  min={min}
                  max={max}
                  step={0.05}
                  value={value[name]}
                  aria-label={LABELS[name]}
                  onChange={(e) => onChange({ ...value, [name]: Number(e.target.value) })}
                  onDoubleClick={() => onChange({ ...value, [name]: NO_ADJUSTMENTS[name] })}
                />
                <output>{shown(name, value[name])}</output>
              </label>
            )
          })}
          <p className="ed-muted">
            On screen only: SAM, the wand and exports use the image as it is.
          </p>
          <button
            type="button"
            disabled={!adjusted}
            onClick={() => onChange({ ...NO_ADJUSTMENTS })}
          >
            Reset
          </button>
        </div>
      )}
    </div>
  )
}
