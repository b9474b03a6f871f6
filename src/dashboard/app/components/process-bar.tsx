import { useEffect, useState } from 'preact/hooks';
import type { SavedConfiguration } from '../../../contract/configurations.ts';
import { PROCESSABLE_STATUSES } from '../../../contract/item-status.ts';
import { ProcessBatchResultSchema, type QueueItemSummary } from '../../../contract/queue.ts';
import { api, describeError } from '../lib/api.ts';
import { shortId } from '../lib/format.ts';
import { lastConfiguration, rememberConfiguration } from '../lib/last-configuration.ts';
import type { Selection } from '../lib/use-selection.ts';

interface Props {
  configurations: readonly SavedConfiguration[];
  selection: Selection;
  shown: readonly QueueItemSummary[];
  /** The batch was handed to the server: its ids, and a sentence for the items that did not start. */
  onStarted: (ids: string[], problem: string | undefined) => void;
}

/**
 * Picks a saved configuration and processes the selected items with it, as one `POST /queue/process`:
 * the server starts every run, so closing the tab does not stop the batch.
 */
export function ProcessBar({ configurations, selection, shown, onStarted }: Props) {
  const [configurationId, setConfigurationId] = useState(() => lastConfiguration()?.id ?? '');
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    setConfigurationId((current) => (configurations.some((row) => row.id === current) ? current : (configurations[0]?.id ?? '')));
  }, [configurations]);
  const processable = shown.filter((item) => PROCESSABLE_STATUSES.includes(item.status));

  async function process() {
    const configuration = configurations.find((row) => row.id === configurationId);
    if (!configuration) return;
    rememberConfiguration({ id: configuration.id, name: configuration.name ?? configuration.id, config: configuration });
    const ids = [...selection.ids];
    setBusy(true);
    try {
      const result = await api('POST', '/queue/process', ProcessBatchResultSchema, { ids, configuration: { configuration_id: configuration.id } });
      selection.clear();
      const failures = result.failed.map((failure) => `${shortId(failure.id)}: ${failure.error.message}`);
      onStarted(ids, failures.length ? `${failures.length} of ${ids.length} did not start — ${failures.join('; ')}` : undefined);
    } catch (error) {
      onStarted([], describeError(error));
    } finally {
      setBusy(false);
    }
  }

  return (
    <div class="process-bar">
      <label class="field inline">
        <span>Configuration</span>
        <select value={configurationId} onChange={(event) => setConfigurationId(event.currentTarget.value)} disabled={configurations.length === 0}>
          {configurations.length === 0 && <option value="">No saved configuration</option>}
          {configurations.map((row) => (
            <option key={row.id} value={row.id}>
              {row.name}
            </option>
          ))}
        </select>
      </label>
      {configurations.length === 0 && (
        <a class="small" href="#/configurations">
          Build one first
        </a>
      )}
      <button type="button" class="button-primary" disabled={busy || selection.ids.size === 0 || !configurationId} onClick={() => void process()}>
        Process {selection.ids.size || ''} selected
      </button>
      <button type="button" class="button-ghost" disabled={processable.length === 0} onClick={() => selection.replace(processable.map((item) => item.id))}>
        Select all pending, failed and cancelled
      </button>
    </div>
  );
}
