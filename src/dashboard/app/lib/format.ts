// Number and time formats used across the pages, so the same quantity always reads the same way.

export function usd(value: number | null | undefined): string {
  if (value === null || value === undefined) return '—';
  if (value === 0) return '$0';
  // Cents for dollars; three significant digits for the fractions of a cent a single call costs.
  return Math.abs(value) >= 1 ? `$${value.toFixed(2)}` : `$${Number(value.toPrecision(3))}`;
}

export function pricePerMtok(value: number): string {
  return `$${value < 1 ? value.toFixed(3).replace(/0$/, '') : value.toFixed(2)}`;
}

export function duration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

/** A latency bucket as `50–100 ms`, `1–2.5 s` or `≥ 30 s`. */
export function latencyBucket(lowerMs: number, upperMs: number | null): string {
  if (upperMs === null) return lowerMs >= 1000 ? `≥ ${lowerMs / 1000} s` : `≥ ${lowerMs} ms`;
  return upperMs <= 1000 ? `${lowerMs}–${upperMs} ms` : `${lowerMs / 1000}–${upperMs / 1000} s`;
}

export function percent(share: number | null | undefined, digits = 1): string {
  if (share === null || share === undefined || Number.isNaN(share)) return '—';
  return `${(share * 100).toFixed(digits)} %`;
}

export function count(value: number): string {
  return value.toLocaleString('en-US');
}

export function tokens(value: number): string {
  return value >= 1_000_000 ? `${(value / 1_000_000).toFixed(1)}M` : value >= 10_000 ? `${Math.round(value / 1000)}k` : count(value);
}

export function contextWindow(value: number): string {
  return value >= 1_000_000 ? `${(value / 1_000_000).toFixed(value % 1_000_000 ? 2 : 0)}M` : `${Math.round(value / 1000)}k`;
}

export function dateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  return new Date(iso).toLocaleString('en-GB', { day: '2-digit', month: 'short', hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

export function relativeTime(iso: string, now = Date.now()): string {
  const seconds = Math.round((now - new Date(iso).getTime()) / 1000);
  if (seconds < 10) return 'just now';
  if (seconds < 60) return `${seconds} s ago`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ago`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)} h ago`;
  return `${Math.floor(seconds / 86_400)} d ago`;
}

/** A field value as plain text (lists joined); the caller renders it as text, never as HTML. */
export function fieldValue(value: unknown): string {
  if (value === null || value === undefined) return '—';
  // A list of objects, or an object inside a row (a nested schema): its JSON, never "[object Object]".
  if (Array.isArray(value)) return value.every((entry) => typeof entry !== 'object' || entry === null) ? value.map(fieldValue).join(', ') : JSON.stringify(value);
  if (typeof value === 'object') return JSON.stringify(value);
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  return String(value);
}

export function shortId(id: string): string {
  return id.slice(0, 8);
}

/** Whether a queue item matches a search (already lower-cased): its id, file name, text preview or schema. */
export function matchesSearch(item: { id: string; document_filename: string | null; document_preview: string; schema_name: string }, needle: string): boolean {
  return !needle || [item.id, item.document_filename ?? '', item.document_preview, item.schema_name].some((text) => text.toLowerCase().includes(needle));
}
