import { DEFAULT_REASONING, REASONING_LEVELS, type ReasoningLevel, type ReasoningSettings } from '../../../contract/model-config.ts';
import { MODEL_STAGES } from '../../../contract/stages.ts';

interface Props {
  reasoning: ReasoningSettings | undefined;
  onChange: (reasoning: ReasoningSettings) => void;
}

/**
 * How hard each stage's model may think, from off to high. Each model maps the level to its own
 * control (reasoning effort, thinking, thinking level); models that do not reason ignore it. More
 * reasoning costs more output tokens.
 */
export function ReasoningEditor({ reasoning, onChange }: Props) {
  return (
    <fieldset class="reasoning">
      <legend>Reasoning per stage</legend>
      <p class="muted small">Models that think are given this much room for it (billed as output); others ignore it.</p>
      <div class="row wrap">
        {MODEL_STAGES.map((stage) => (
          <label key={stage} class="field">
            <span>{stage === 'review' ? 'review (orchestrator)' : stage}</span>
            <select
              name={`reasoning-${stage}`}
              value={reasoning?.[stage] ?? DEFAULT_REASONING}
              onChange={(event) => onChange({ ...reasoning, [stage]: event.currentTarget.value as ReasoningLevel })}
            >
              {REASONING_LEVELS.map((level) => (
                <option key={level} value={level}>
                  {level}
                </option>
              ))}
            </select>
          </label>
        ))}
      </div>
    </fieldset>
  );
}
