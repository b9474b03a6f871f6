import { useState } from 'preact/hooks';
import { RetiredModelsSchema } from '../../../contract/catalog.ts';
import { ConfigurationCreatedSchema, type SavedConfiguration } from '../../../contract/configurations.ts';
import type { ModelConfig } from '../../../contract/model-config.ts';
import { CHAIN_STAGES, type ChainStage } from '../../../contract/stages.ts';
import { DocumentInputField } from '../components/document-input-field.tsx';
import { ModelChainEditor } from '../components/model-chain-editor.tsx';
import { Notice } from '../components/notice.tsx';
import { OrchestratorFields } from '../components/orchestrator-fields.tsx';
import { PolicyEditor } from '../components/policy-editor.tsx';
import { ReasoningEditor } from '../components/reasoning-editor.tsx';
import { SavedConfigurations } from '../components/saved-configurations.tsx';
import { api, describeError } from '../lib/api.ts';
import { useSession } from '../lib/context.ts';
import { lastConfiguration, rememberConfiguration } from '../lib/last-configuration.ts';
import { configurationModelWarnings } from '../lib/model-notes.ts';
import { draftOf, policyProblems, withPolicy } from '../lib/run-policy.ts';
import { useApi } from '../lib/use-api.ts';
import { useConfigurations } from '../lib/use-configurations.ts';

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
  ...(saved.document_input === undefined ? {} : { document_input: saved.document_input }),
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
  const [current, setCurrent] = useState(remembered?.id);
  const [message, setMessage] = useState<{ kind: 'error' | 'success'; text: string }>();
  const [busy, setBusy] = useState(false);

  const { configurations: saved, error: loadError, reload } = useConfigurations();
  // Retired models are not in the catalog; a saved configuration that still names one is marked.
  const { data: retired } = useApi('/models/retired', RetiredModelsSchema);

  async function save(event: Event) {
    event.preventDefault();
    setBusy(true);
    setMessage(undefined);
    try {
      const body = withPolicy(config, policy);
      const { id } = await api('POST', '/configurations', ConfigurationCreatedSchema, { name: name.trim(), ...body });
      rememberConfiguration({ id, name: name.trim(), config: body });
      setCurrent(id);
      setMessage({ kind: 'success', text: `Saved “${name.trim()}”. The queue will process with it.` });
      await reload();
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

          <OrchestratorFields config={config} models={models} onChange={setConfig} />

          <ReasoningEditor reasoning={config.reasoning} onChange={(reasoning) => setConfig({ ...config, reasoning })} />
          <DocumentInputField config={config} models={models} onChange={setConfig} />

          <PolicyEditor draft={policy} problems={problems} onChange={setPolicy} />

          {(message ?? loadError) && (
            <Notice kind={message?.kind ?? 'error'} onDismiss={() => setMessage(undefined)}>
              {message?.text ?? loadError}
            </Notice>
          )}
          <div class="actions">
            <button type="submit" class="button-primary" disabled={busy || incomplete}>
              {busy ? 'Saving…' : 'Save configuration'}
            </button>
          </div>
        </form>

        <SavedConfigurations saved={saved} current={current} onUse={use} warningsOf={(row) => configurationModelWarnings(row, models, retired ?? [])} />
      </div>
    </div>
  );
}
