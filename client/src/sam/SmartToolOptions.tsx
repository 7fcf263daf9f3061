import type { EditorController } from '../editor/controller'
import { describeProgress, progressFraction } from './format'
import { ModelDialog } from './ModelDialog'
import { useSam } from './use-sam'
import './sam.css'

/** The toolbar's options of the SAM, magic wand and scissors tools, and the model dialog. */
export function SmartToolOptions({ controller }: { controller: EditorController }) {
  const sam = useSam()
  const tool = controller.toolId
  const { settings } = sam
  const showOutput = tool === 'sam' || tool === 'wand'
  const showTolerance = tool === 'scissors' || (showOutput && settings.output === 'polygon')
  return (
    <div className="sam-options">
      {tool === 'sam' && <ModelChip />}
      {tool === 'sam' && sam.suggestion && sam.suggestion.scores.length > 1 && (
        <div
          className="sam-chooser"
          role="radiogroup"
          aria-label="Mask candidates"
          title={controller.keys.tooltip('sam.candidate')}
        >
          {sam.suggestion.scores.map((score, i) => (
            <button
              key={i}
              type="button"
              role="radio"
              aria-checked={sam.suggestion?.chosen === i}
              className={sam.suggestion?.chosen === i ? 'active' : undefined}
              onClick={() => sam.suggestion?.choose(i)}
            >
              <span className="sam-index">{i + 1}</span> {score.toFixed(2)}
            </button>
          ))}
        </div>
      )}
      {tool === 'wand' && (
        <label
          className="ed-brush sam-range"
          title="How different a colour may be and still be filled"
        >
          <span>Tolerance</span>
          <input
            type="range"
            min={0}
            max={255}
            value={settings.wandTolerance}
            aria-label="Wand tolerance"
            onChange={(e) => sam.setSettings({ wandTolerance: Number(e.target.value) })}
          />
          <span>{settings.wandTolerance}</span>
        </label>
      )}
      {showOutput && (
        <div className="sam-output" role="radiogroup" aria-label="Keep as">
          {(['polygon', 'mask'] as const).map((output) => (
            <button
              key={output}
              type="button"
              role="radio"
              aria-checked={settings.output === output}
              className={settings.output === output ? 'active' : undefined}
              onClick={() => sam.setSettings({ output })}
            >
              {output === 'polygon' ? 'Polygon' : 'Mask'}
            </button>
          ))}
        </div>
      )}
      {showTolerance && (
        <label
          className="ed-brush"
          title="Polygon simplification: how far a removed vertex may lie"
        >
          <span>Simplify</span>
          <input
            type="range"
            min={0}
            max={10}
            step={0.5}
            value={settings.tolerance}
            aria-label="Polygon simplification"
            onChange={(e) => sam.setSettings({ tolerance: Number(e.target.value) })}
          />
          <span>{settings.tolerance}px</span>
        </label>
      )}
      {sam.dialogOpen && <ModelDialog />}
    </div>
  )
}

/** The model's state at a glance; opens the model dialog. */
function ModelChip() {
  const sam = useSam()
  const s = sam.status
  const embedding = sam.currentImage ? sam.embeddings.get(sam.currentImage) : undefined
  let text: string
  let tone = ''
  if (s.state === 'ready')
    text =
      embedding === 'ready' ? 'SAM ready' : embedding === 'encoding' ? 'Encoding image…' : 'SAM'
  else if (s.state === 'loading') {
    const f = progressFraction(s.progress)
    text = f === undefined ? 'Loading model…' : `Loading model ${Math.round(f * 100)}%`
  } else if (s.state === 'error') {
    text = 'Model error'
    tone = ' error'
  } else text = sam.remembered ? 'Model (cached)' : 'Load a model…'
  const title =
    s.state === 'error'
      ? `${s.title}: ${s.message}`
      : s.state === 'loading'
        ? describeProgress(s.progress)
        : 'Segment Anything model'
  return (
    <button
      type="button"
      className={`sam-chip${tone}`}
      data-testid="sam-model-button"
      data-state={s.state}
      data-embedding={embedding}
      title={title}
      onClick={() => sam.setDialogOpen(true)}
    >
      {text}
    </button>
  )
}
