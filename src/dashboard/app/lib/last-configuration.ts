import type { ModelConfig } from '../../../contract/model-config.ts';

// The configuration last saved or chosen, so the queue page opens with it. Only the configuration is
// stored here — never the API token.
const KEY = 'quarry.lastConfiguration';

export interface RememberedConfiguration {
  id: string;
  name: string;
  config: ModelConfig;
}

export function rememberConfiguration(value: RememberedConfiguration): void {
  try {
    localStorage.setItem(KEY, JSON.stringify(value));
  } catch {
    // storage full or disabled: the dashboard still works, it just will not remember
  }
}

export function lastConfiguration(): RememberedConfiguration | undefined {
  try {
    const raw = localStorage.getItem(KEY);
    if (!raw) return undefined;
    const parsed = JSON.parse(raw) as Partial<RememberedConfiguration>;
    if (typeof parsed.id !== 'string' || typeof parsed.name !== 'string' || typeof parsed.config !== 'object' || !parsed.config) return undefined;
    return parsed as RememberedConfiguration;
  } catch {
    return undefined;
  }
}
