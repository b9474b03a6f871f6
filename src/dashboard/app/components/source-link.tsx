import type { ExtractedField } from '../../../contract/item-detail.ts';
import { useSourceFocus } from '../lib/source-focus.ts';

/**
 * Where a value is written, as a button that shows its page in the document viewer with the value
 * highlighted; "not found in the document" when Quarry could not find it. Nothing for a value never
 * written as such (a boolean, null).
 */
export function SourceLink({ name, facts }: { name: string; facts: ExtractedField | undefined }) {
  const { show } = useSourceFocus();
  const source = facts?.source;
  if (!source) return null;
  if (source.page === null || source.start === null || source.end === null) {
    return <span class="source-missing small" title="Quarry found this value nowhere in the document: its confidence was lowered">not found in the document</span>;
  }
  const focused = { key: name, source: { ...source, page: source.page, start: source.start, end: source.end } };
  return (
    <button type="button" class="source-link small" aria-label={`Show ${name} on page ${source.page}`} onClick={() => show(focused)}>
      p. {source.page}
      {source.match === 'fuzzy' ? ' ≈' : ''}
    </button>
  );
}
