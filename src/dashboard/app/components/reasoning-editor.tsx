import { REASONING_LEVELS, REASONING_STAGES, type ReasoningLevel, type ReasoningStage } from '../lib/types.ts';

interface Props {
  reasoning: Partial<Record<ReasoningStage, ReasoningLevel>> | undefined;
  onChange: (reasoning: Partial<Record<ReasoningStage, ReasoningLevel>>) => void;
}

const DEFAULT: ReasoningLevel = 'low';

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
        {REASONING_STAGES.map((stage) => (
          <label key={stage} class="field">
            <span>{stage === 'review' ? 'review (orchestrator)' : stage}</span>
            <select
              name={`reasoning-${stage}`}
              value={reasoning?.[stage] ?? DEFAULT}
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
