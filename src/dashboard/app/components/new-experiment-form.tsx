import { useEffect, useMemo, useState } from 'preact/hooks';
import { api, describeError } from '../lib/api.ts';
import type { Experiment, ExperimentListEntry, ExperimentRequest } from '../lib/experiment-types.ts';
import { percent, relativeTime, shortId } from '../lib/format.ts';
import { CHAIN_STAGES, type QueueItemSummary, type SavedConfiguration } from '../lib/types.ts';
import { Notice } from './notice.tsx';
import { StatusBadge } from './status-badge.tsx';
import { DocumentCell, SelectAllHeader, SelectCell } from './item-cells.tsx';

const MIN_ARMS = 2;
const MAX_ARMS = 5;
const MAX_ITEMS = 500;
const PAGE = 200;
/** Experiments whose copies are left out of the item list (the newest first). */
const RECENT_EXPERIMENTS = 20;

type QueuePage = { items: QueueItemSummary[]; next_cursor: string | null };

const move = <T,>(list: T[], from: number, to: number) => {
  const next = [...list];
  const [moved] = next.splice(from, 1);
  next.splice(to, 0, moved!);
  return next;
};

const stageModels = (configuration: SavedConfiguration) =>
  CHAIN_STAGES.map((stage) => `${stage}: ${(configuration.stage_models[stage] ?? []).join(' → ')}`).join(' · ');

/**
 * The queue items that recent experiments created as their per-configuration copies. The queue list
 * does not carry an item's metadata, so the copies are known from the experiments' runs; offering
 * them as sources would run the same document again under every arm.
 */
async function experimentCopies(): Promise<Set<string>> {
  const experiments = await api<ExperimentListEntry[]>('GET', '/experiments');
  const details = await Promise.all(experiments.slice(0, RECENT_EXPERIMENTS).map((experiment) => api<Experiment>('GET', `/experiments/${experiment.id}`)));
  return new Set(details.flatMap((experiment) => experiment.runs.map((run) => run.item_id)));
}

/**
 * The form that starts an A/B experiment: a name, 2–5 saved configurations in order (the first is
 * the control every other one is compared with), the labelled queue items to run under each, the
 * concurrency and an optional budget.
 */
export function NewExperimentForm({ onStarted, onCancel }: { onStarted: (id: string) => void; onCancel: () => void }) {
  const [configurations, setConfigurations] = useState<SavedConfiguration[]>();
  const [items, setItems] = useState<QueueItemSummary[]>();
  const [more, setMore] = useState(false);
  const [name, setName] = useState('');
  const [arms, setArms] = useState<string[]>([]);
  const [adding, setAdding] = useState('');
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [search, setSearch] = useState('');
  const [concurrency, setConcurrency] = useState('4');
  const [budget, setBudget] = useState('');
  const [error, setError] = useState<string>();
  const [submitting, setSubmitting] = useState(false);

  useEffect(() => {
    Promise.all([api<SavedConfiguration[]>('GET', '/configurations'), api<QueuePage>('GET', `/queue?limit=${PAGE}`), experimentCopies()])
      .then(([saved, page, copies]) => {
        setConfigurations(saved.filter((row) => row.name !== null));
        setItems(page.items.filter((item) => item.labelled && !copies.has(item.id)));
        setMore(page.next_cursor !== null);
      })
      .catch((failure: unknown) => setError(describeError(failure)));
  }, []);

  const byId = useMemo(() => new Map((configurations ?? []).map((row) => [row.id, row])), [configurations]);
  const available = (configurations ?? []).filter((row) => !arms.includes(row.id));
  const needle = search.trim().toLowerCase();
  const visible = (items ?? []).filter(
    (item) => !needle || [item.id, item.document_filename ?? '', item.document_preview, item.schema_name].some((text) => text.toLowerCase().includes(needle)),
  );
  const allVisibleSelected = visible.length > 0 && visible.every((item) => selected.has(item.id));

  const toggle = (id: string) => {
    const next = new Set(selected);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    setSelected(next);
  };
  const selectVisible = (on: boolean) => {
    const next = new Set(selected);
    for (const item of visible) {
      if (on) next.add(item.id);
      else next.delete(item.id);
    }
    setSelected(next);
  };

  const concurrencyValue = Number(concurrency);
  const budgetValue = budget.trim() === '' ? undefined : Number(budget);
  const problems = [
    !name.trim() && 'give the experiment a name',
    arms.length < MIN_ARMS && `pick at least ${MIN_ARMS} configurations`,
    selected.size === 0 && 'select at least one labelled item',
    selected.size > MAX_ITEMS && `select at most ${MAX_ITEMS} items`,
    (!Number.isInteger(concurrencyValue) || concurrencyValue < 1 || concurrencyValue > 100) && 'concurrency is a whole number from 1 to 100',
    budgetValue !== undefined && !(budgetValue > 0) && 'the budget is a positive amount of USD',
  ].filter((problem): problem is string => typeof problem === 'string');

  async function submit(event: Event) {
    event.preventDefault();
    if (problems.length > 0) return;
    setSubmitting(true);
    setError(undefined);
    const body: ExperimentRequest = {
      name: name.trim(),
      configurations: arms.map((id) => ({ configuration_id: id })),
      item_ids: [...selected],
      concurrency: concurrencyValue,
      ...(budgetValue === undefined ? {} : { max_cost_usd: budgetValue }),
    };
    try {
      const started = await api<{ id: string }>('POST', '/experiments', body);
      onStarted(started.id);
    } catch (failure) {
      setError(describeError(failure));
      setSubmitting(false);
    }
  }

  return (
    <form class="card experiment-form" aria-labelledby="new-experiment-title" onSubmit={(event) => void submit(event)}>
      <div class="card-header">
        <h2 id="new-experiment-title">New experiment</h2>
        <button type="button" class="button-ghost" onClick={onCancel}>
          Close
        </button>
      </div>
      <p class="muted small">
        Every selected item is copied once per configuration and run under each, so the configurations are compared on the same documents. Accuracy is
        scored against the items’ expected values: only labelled items are listed.
      </p>
      {error && <Notice kind="error">{error}</Notice>}

      <label class="field">
        <span>Name</span>
        <input value={name} onInput={(event) => setName(event.currentTarget.value)} placeholder="e.g. opus vs nano on invoices" maxLength={200} />
      </label>

      <fieldset class="chain">
        <legend>
          Configurations <span class="muted">— {MIN_ARMS} to {MAX_ARMS}; the first is the control the others are compared with</span>
        </legend>
        {configurations === undefined ? (
          <p class="muted small">Loading…</p>
        ) : configurations.length < MIN_ARMS ? (
          <p class="muted small">
            An experiment needs at least two saved configurations. <a href="#/configurations">Build them first.</a>
          </p>
        ) : (
          arms.length === 0 && <p class="muted small">No configuration yet: add at least two.</p>
        )}
        <ol class="chain-list" aria-label="Configurations, control first">
          {arms.map((id, index) => {
            const configuration = byId.get(id);
            return (
              <li key={id} class="chain-item" data-arm={configuration?.name ?? id}>
                <span class="chain-rank" aria-hidden="true">
                  {String.fromCharCode(65 + index)}
                </span>
                <div class="chain-model">
                  <div>
                    <strong>{configuration?.name ?? shortId(id)}</strong>
                    {index === 0 ? <span class="tag">control</span> : <span class="tag tag-muted">challenger</span>}
                  </div>
                  {configuration && <div class="muted small mono experiment-models">{stageModels(configuration)}</div>}
                </div>
                <div class="chain-actions">
                  <button type="button" class="icon-button" disabled={index === 0} onClick={() => setArms(move(arms, index, index - 1))} aria-label={`Move ${configuration?.name ?? id} up`}>
                    ↑
                  </button>
                  <button
                    type="button"
                    class="icon-button"
                    disabled={index === arms.length - 1}
                    onClick={() => setArms(move(arms, index, index + 1))}
                    aria-label={`Move ${configuration?.name ?? id} down`}
                  >
                    ↓
                  </button>
                  <button type="button" class="icon-button danger" onClick={() => setArms(arms.filter((other) => other !== id))} aria-label={`Remove ${configuration?.name ?? id}`}>
                    ×
                  </button>
                </div>
              </li>
            );
          })}
        </ol>
        <div class="chain-add">
          <label class="sr-only" for="experiment-add-configuration">
            Add a configuration
          </label>
          <select id="experiment-add-configuration" value={adding} onChange={(event) => setAdding(event.currentTarget.value)} disabled={arms.length >= MAX_ARMS}>
            <option value="">Add a configuration…</option>
            {available.map((row) => (
              <option key={row.id} value={row.id}>
                {row.name}
              </option>
            ))}
          </select>
          <button
            type="button"
            class="button-secondary"
            disabled={!adding || arms.length >= MAX_ARMS}
            onClick={() => {
              setArms([...arms, adding]);
              setAdding('');
            }}
          >
            Add configuration
          </button>
        </div>
      </fieldset>

      <fieldset class="chain">
        <legend>
          Labelled items <span class="muted">— {selected.size} selected</span>
        </legend>
        <div class="toolbar">
          <div class="row wrap experiment-select-buttons">
            <button type="button" class="button-secondary" disabled={visible.length === 0} onClick={() => selectVisible(true)}>
              Select all{needle ? ' shown' : ''}
            </button>
            <button type="button" class="button-ghost" disabled={selected.size === 0} onClick={() => setSelected(new Set())}>
              Select none
            </button>
          </div>
          <label class="search">
            <span class="sr-only">Search labelled items</span>
            <input type="search" placeholder="Search text, file, schema or id" value={search} onInput={(event) => setSearch(event.currentTarget.value)} />
          </label>
        </div>
        {items === undefined ? (
          <p class="muted small">Loading…</p>
        ) : visible.length === 0 ? (
          <p class="muted small">
            {items.length === 0 ? 'No labelled item in the queue: add documents with expected values on the Queue page.' : 'No labelled item matches.'}
          </p>
        ) : (
          <div class="table-wrap experiment-items">
            <table class="table compact">
              <thead>
                <tr>
                  <SelectAllHeader checked={allVisibleSelected} onToggle={() => selectVisible(!allVisibleSelected)} />
                  <th scope="col">Document</th>
                  <th scope="col" class="hide-narrow">
                    Schema
                  </th>
                  <th scope="col">Status</th>
                  <th scope="col" class="num hide-narrow">
                    Accuracy
                  </th>
                  <th scope="col" class="hide-narrow">
                    Added
                  </th>
                </tr>
              </thead>
              <tbody>
                {visible.map((item) => (
                  <tr key={item.id} data-item={item.id} class={selected.has(item.id) ? 'selected' : ''}>
                    <SelectCell item={item} selected={selected.has(item.id)} onToggle={() => toggle(item.id)} />
                    <DocumentCell item={item} />
                    <td class="hide-narrow">{item.schema_name}</td>
                    <td>
                      <StatusBadge status={item.status} />
                    </td>
                    <td class="num hide-narrow">{percent(item.accuracy, 0)}</td>
                    <td class="nowrap muted small hide-narrow" title={item.created_at}>
                      {relativeTime(item.created_at)}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {more && <p class="muted small">The newest {PAGE} queue items are searched.</p>}
      </fieldset>

      <div class="row wrap">
        <label class="field grow">
          <span>Concurrency</span>
          <input type="number" min={1} max={100} step={1} value={concurrency} onInput={(event) => setConcurrency(event.currentTarget.value)} />
          <span class="muted small">runs in flight at once</span>
        </label>
        <label class="field grow">
          <span>Budget (USD, optional)</span>
          <input type="number" min={0} step="any" value={budget} placeholder="no limit" onInput={(event) => setBudget(event.currentTarget.value)} />
          <span class="muted small">no new run starts once the spend would pass it</span>
        </label>
      </div>

      <div class="experiment-submit">
        {problems.length > 0 && <p class="muted small">To start: {problems.join('; ')}.</p>}
        <div class="actions">
          <button type="button" class="button-secondary" onClick={onCancel}>
            Cancel
          </button>
          <button type="submit" class="button-primary" disabled={problems.length > 0 || submitting}>
            {submitting ? 'Starting…' : `Start experiment${arms.length >= MIN_ARMS && selected.size ? ` · ${arms.length * selected.size} runs` : ''}`}
          </button>
        </div>
      </div>
    </form>
  );
}
