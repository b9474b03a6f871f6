import { useEffect, useState } from 'preact/hooks';
import { ModelChainEditor } from '../components/model-chain-editor.tsx';
import { Notice } from '../components/notice.tsx';
import { PolicyEditor } from '../components/policy-editor.tsx';
import { ReasoningEditor } from '../components/reasoning-editor.tsx';
import { api, describeError } from '../lib/api.ts';
import { useSession } from '../lib/context.ts';
import { dateTime, pricePerMtok } from '../lib/format.ts';
import { lastConfiguration, rememberConfiguration } from '../lib/last-configuration.ts';
import { configurationModelWarnings, modelsWithoutTemperature } from '../lib/model-notes.ts';
import { draftOf, policyProblems, policySummary, withPolicy } from '../lib/run-policy.ts';
import { CHAIN_STAGES, type ChainStage, type ModelConfig, type RetiredModel, type SavedConfiguration } from '../lib/types.ts';

const STAGE_PURPOSE: Record<ChainStage, string> = {
  classify: 'what kind of document it is',
  extract: 'pulls the schema’s fields out',
  validate: 'checks each extracted value',
};

const STARTER: ModelConfig = {
  temperature: 0.2,
  orchestrator_model: 'claude-sonnet-4-6',
  orchestrator_prompt: 'Prefer values the validator accepted. When models disagree, choose the value the document states verbatim.',
  stage_models: { classify: ['gemini-3.1-flash-lite'], extract: ['gpt-4.1', 'claude-haiku-4-5'], validate: ['gemini-3.1-pro'] },
};

// Only the configuration's own keys: a remembered or listed one also carries id, name and created_at,
// which the server refuses in a configuration body.
const configOf = (saved: ModelConfig): ModelConfig => ({
  temperature: saved.temperature,
  orchestrator_model: saved.orchestrator_model,
  orchestrator_prompt: saved.orchestrator_prompt,
  stage_models: saved.stage_models,
  ...(saved.max_cost_usd === undefined ? {} : { max_cost_usd: saved.max_cost_usd }),
  ...(saved.review === undefined ? {} : { review: saved.review }),
  ...(saved.reasoning === undefined ? {} : { reasoning: saved.reasoning }),
});

/** Builds a configuration (model chains per stage, temperature, orchestrator), saves it, lists saved ones. */
export function ConfigurationsPage() {
  const { models } = useSession();
  const remembered = lastConfiguration();
  const known = (id: string) => models.some((model) => model.id === id);
  const [config, setConfig] = useState<ModelConfig>(() => {
    const start = remembered ? configOf(remembered.config) : STARTER;
    // A catalog may lack the starter's models (a custom QUARRY_MODELS_FILE): keep only known ones.
    return { ...start, stage_models: Object.fromEntries(CHAIN_STAGES.map((stage) => [stage, start.stage_models[stage].filter(known)])) as ModelConfig['stage_models'] };
  });
  const [policy, setPolicy] = useState(() => draftOf(remembered?.config ?? STARTER));
  const [name, setName] = useState(remembered ? `${remembered.name} (copy)` : 'Balanced mixed-provider');
  const [saved, setSaved] = useState<SavedConfiguration[]>();
  const [retired, setRetired] = useState<RetiredModel[]>([]);
  const [current, setCurrent] = useState(remembered?.id);
  const [message, setMessage] = useState<{ kind: 'error' | 'success'; text: string }>();
  const [busy, setBusy] = useState(false);

  const load = () =>
    api<SavedConfiguration[]>('GET', '/configurations')
      .then((rows) => setSaved(rows.filter((row) => row.name !== null)))
      .catch((error: unknown) => setMessage({ kind: 'error', text: describeError(error) }));
  useEffect(() => void load(), []);
  // Retired models are not in the catalog; a saved configuration that still names one is marked.
  useEffect(() => void api<RetiredModel[]>('GET', '/models/retired').then(setRetired, () => undefined), []);
  const withoutTemperature = modelsWithoutTemperature(config, models);

  const orchestrator = models.find((model) => model.id === config.orchestrator_model);

  async function save(event: Event) {
    event.preventDefault();
    setBusy(true);
    setMessage(undefined);
    try {
      const body = withPolicy(config, policy);
      const { id } = await api<{ id: string }>('POST', '/configurations', { name: name.trim(), ...body });
      rememberConfiguration({ id, name: name.trim(), config: body });
      setCurrent(id);
      setMessage({ kind: 'success', text: `Saved “${name.trim()}”. The queue will process with it.` });
      await load();
    } catch (error) {
      setMessage({ kind: 'error', text: describeError(error) });
    } finally {
      setBusy(false);
    }
  }

  function use(row: SavedConfiguration) {
    rememberConfiguration({ id: row.id, name: row.name ?? row.id, config: configOf(row) });
    setCurrent(row.id);
    setConfig(configOf(row));
    setPolicy(draftOf(row));
    setName(`${row.name ?? 'configuration'} (copy)`);
    setMessage({ kind: 'success', text: `Using “${row.name}”. Its settings are loaded into the editor.` });
  }

  const problems = policyProblems(policy);
  const incomplete =
    CHAIN_STAGES.some((stage) => config.stage_models[stage].length === 0) || !name.trim() || !config.orchestrator_model || Object.keys(problems).length > 0;

  return (
    <div class="page">
      <header class="page-header">
        <div>
          <h1>Configurations</h1>
          <p class="muted">Which models run each stage, in fallback order, at what temperature, and who reviews the result.</p>
        </div>
      </header>

      <div class="split">
        <form class="card" onSubmit={save} aria-labelledby="editor-title">
          <div class="card-header">
            <h2 id="editor-title">Build a configuration</h2>
          </div>
          <label class="field">
            <span>Name</span>
            <input name="configuration-name" value={name} onInput={(event) => setName(event.currentTarget.value)} required maxLength={200} />
          </label>

          {CHAIN_STAGES.map((stage) => (
            <ModelChainEditor
              key={stage}
              stage={stage}
              description={STAGE_PURPOSE[stage]}
              chain={config.stage_models[stage]}
              models={models}
              onChange={(chain) => setConfig({ ...config, stage_models: { ...config.stage_models, [stage]: chain } })}
            />
          ))}

          <div class="row wrap">
            <label class="field grow">
              <span>Temperature: {config.temperature.toFixed(2)}</span>
              <input
                type="range"
                min={0}
                max={1}
                step={0.05}
                value={config.temperature}
                aria-valuetext={config.temperature.toFixed(2)}
                onInput={(event) => setConfig({ ...config, temperature: Number(event.currentTarget.value) })}
              />
              <span class="range-scale muted small">
                <span>0 — repeatable</span>
                <span>1 — varied</span>
              </span>
              {withoutTemperature.length > 0 && (
                <span class="muted small" data-temperature-note>
                  Does not apply to {withoutTemperature.join(', ')}: their APIs take no temperature, so they are called without one.
                </span>
              )}
            </label>
            <label class="field grow">
              <span>Orchestrator model</span>
              <select value={config.orchestrator_model} onChange={(event) => setConfig({ ...config, orchestrator_model: event.currentTarget.value })}>
                {models.map((model) => (
                  <option key={model.id} value={model.id}>
                    {model.display_name ?? model.id} ({model.provider})
                  </option>
                ))}
              </select>
              {orchestrator && (
                <span class="muted small">
                  {pricePerMtok(orchestrator.input_usd_per_mtok)} in · {pricePerMtok(orchestrator.output_usd_per_mtok)} out per 1M tokens
                </span>
              )}
            </label>
          </div>
          <label class="field">
            <span>Orchestrator prompt</span>
            <textarea rows={4} value={config.orchestrator_prompt} maxLength={20_000} onInput={(event) => setConfig({ ...config, orchestrator_prompt: event.currentTarget.value })} />
          </label>

          <ReasoningEditor reasoning={config.reasoning} onChange={(reasoning) => setConfig({ ...config, reasoning })} />

          <PolicyEditor draft={policy} problems={problems} onChange={setPolicy} />

          {message && (
            <Notice kind={message.kind} onDismiss={() => setMessage(undefined)}>
              {message.text}
            </Notice>
          )}
          <div class="actions">
            <button type="submit" class="button-primary" disabled={busy || incomplete}>
              {busy ? 'Saving…' : 'Save configuration'}
            </button>
          </div>
        </form>

        <section class="card" aria-labelledby="saved-title">
          <div class="card-header">
            <h2 id="saved-title">Saved</h2>
          </div>
          {saved === undefined ? (
            <p class="muted">Loading…</p>
          ) : saved.length === 0 ? (
            <p class="muted">Nothing saved yet. Build one and save it: the queue processes with it.</p>
          ) : (
            <ul class="saved-list">
              {saved.map((row) => (
                <li key={row.id} class={row.id === current ? 'saved current' : 'saved'} data-configuration={row.name ?? ''}>
                  <div class="saved-main">
                    <strong>{row.name}</strong>
                    {row.id === current && <span class="tag">in use</span>}
                    <div class="muted small">
                      {CHAIN_STAGES.map((stage) => `${stage}: ${row.stage_models[stage].join(' → ')}`).join(' · ')}
                    </div>
                    <div class="muted small">
                      temperature {row.temperature} · orchestrator {row.orchestrator_model} · saved {dateTime(row.created_at)}
                    </div>
                    <div class="muted small" data-policy>
                      {policySummary(row).join(' · ')}
                    </div>
                    {configurationModelWarnings(row, models, retired).map((warning) => (
                      <div key={warning} class="model-warning small" role="note">
                        {warning}
                      </div>
                    ))}
                  </div>
                  <button type="button" class="button-secondary" onClick={() => use(row)} aria-label={`Use ${row.name}`}>
                    Use
                  </button>
                </li>
              ))}
            </ul>
          )}
        </section>
      </div>
    </div>
  );
}
