import { useEffect, useState } from 'preact/hooks';
import { ExperimentListSchema, ExperimentSchema, ExperimentStartedSchema, type ExperimentRequestInput } from '../../../contract/experiments.ts';
import { QueuePageSchema } from '../../../contract/queue.ts';
import { api, describeError } from '../lib/api.ts';
import { useApi } from '../lib/use-api.ts';
import { useConfigurations } from '../lib/use-configurations.ts';
import { useSelection } from '../lib/use-selection.ts';
import { ArmsEditor, MAX_ARMS, MIN_ARMS } from './arms-editor.tsx';
import { LabelledItemPicker } from './labelled-item-picker.tsx';
import { Notice } from './notice.tsx';

const MAX_ITEMS = 500;
const PAGE = 200;
/** Experiments whose copies are left out of the item list (the newest first). */
const RECENT_EXPERIMENTS = 20;

/**
 * The queue items that recent experiments created as their per-configuration copies. The queue list
 * does not carry an item's metadata, so the copies are known from the experiments' runs; offering
 * them as sources would run the same document again under every arm.
 */
async function experimentCopies(): Promise<Set<string>> {
  const experiments = await api('GET', '/experiments', ExperimentListSchema);
  const details = await Promise.all(experiments.slice(0, RECENT_EXPERIMENTS).map((experiment) => api('GET', `/experiments/${experiment.id}`, ExperimentSchema)));
  return new Set(details.flatMap((experiment) => experiment.runs.map((run) => run.item_id)));
}

/**
 * The form that starts an A/B experiment: a name, 2–5 saved configurations in order (the first is
 * the control every other one is compared with), the labelled queue items to run under each, the
 * concurrency and an optional budget.
 */
export function NewExperimentForm({ onStarted, onCancel }: { onStarted: (id: string) => void; onCancel: () => void }) {
  const { configurations, error: configurationsError } = useConfigurations();
  const queue = useApi(`/queue?limit=${PAGE}`, QueuePageSchema);
  const [copies, setCopies] = useState<Set<string>>();
  const [name, setName] = useState('');
  const [arms, setArms] = useState<string[]>([]);
  const selection = useSelection();
  const [concurrency, setConcurrency] = useState('4');
  const [budget, setBudget] = useState('');
  const [error, setError] = useState<string>();
  const [submitting, setSubmitting] = useState(false);

  useEffect(() => {
    experimentCopies()
      .then(setCopies)
      .catch((failure: unknown) => setError(describeError(failure)));
  }, []);
  const items = queue.data && copies && queue.data.items.filter((item) => item.labelled && !copies.has(item.id));

  const concurrencyValue = Number(concurrency);
  const budgetValue = budget.trim() === '' ? undefined : Number(budget);
  const selected = selection.ids.size;
  const problems = [
    !name.trim() && 'give the experiment a name',
    arms.length < MIN_ARMS && `pick at least ${MIN_ARMS} configurations`,
    selected === 0 && 'select at least one labelled item',
    selected > MAX_ITEMS && `select at most ${MAX_ITEMS} items`,
    (!Number.isInteger(concurrencyValue) || concurrencyValue < 1 || concurrencyValue > 100) && 'concurrency is a whole number from 1 to 100',
    budgetValue !== undefined && !(budgetValue > 0) && 'the budget is a positive amount of USD',
  ].filter((problem): problem is string => typeof problem === 'string');

  async function submit(event: Event) {
    event.preventDefault();
    if (problems.length > 0) return;
    setSubmitting(true);
    setError(undefined);
    const body: ExperimentRequestInput = {
      name: name.trim(),
      configurations: arms.map((id) => ({ configuration_id: id })),
      item_ids: [...selection.ids],
      concurrency: concurrencyValue,
      ...(budgetValue === undefined ? {} : { max_cost_usd: budgetValue }),
    };
    try {
      onStarted((await api('POST', '/experiments', ExperimentStartedSchema, body)).id);
    } catch (failure) {
      setError(describeError(failure));
      setSubmitting(false);
    }
  }

  const shownError = error ?? configurationsError ?? queue.error;
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
      {shownError && <Notice kind="error">{shownError}</Notice>}

      <label class="field">
        <span>Name</span>
        <input value={name} onInput={(event) => setName(event.currentTarget.value)} placeholder="e.g. opus vs nano on invoices" maxLength={200} />
      </label>
      <ArmsEditor configurations={configurations} arms={arms} onChange={(next) => setArms(next.slice(0, MAX_ARMS))} />
      <LabelledItemPicker items={items} selection={selection} more={Boolean(queue.data?.next_cursor)} page={PAGE} />

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
            {submitting ? 'Starting…' : `Start experiment${arms.length >= MIN_ARMS && selected ? ` · ${arms.length * selected} runs` : ''}`}
          </button>
        </div>
      </div>
    </form>
  );
}
