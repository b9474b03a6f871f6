import type { MatchHint } from './schema-node.ts';

/**
 * ExtractBench's per-node `evaluation_config` (a preset name, or `{metrics: [{metric_id, params}]}`)
 * read as a `MatchHint`. The presets and their defaults are ExtractBench's own
 * (`src/extract_bench/evaluation/presets.py`): fuzzy threshold 0.8, number tolerance 0.001 absolute.
 *
 * The two LLM-judged presets have no deterministic equivalent. Quarry runs no judge model while it
 * scores, so `string_semantic` (and `string_llm`) become `semantic`, which compares normalised text
 * (case, whitespace, punctuation) and then fuzzily; `array_llm` says nothing about the items, which
 * are matched to the expected rows by optimal assignment and scored by their own hints. A hint that
 * is not recognised is ignored, never refused: the schema is still accepted as published.
 */
export function matchHintFromEvaluationConfig(config: unknown): MatchHint | undefined {
  if (typeof config === 'string') return fromPreset(config, {});
  if (typeof config !== 'object' || config === null) return undefined;
  const metrics = (config as { metrics?: unknown }).metrics;
  if (!Array.isArray(metrics)) return undefined;
  if (metrics.length === 0) return { metric: 'skip', source: 'metrics: []' };
  // Several metrics would each give a score; the first is the one a pass/fail verdict can rest on.
  const first = metrics[0] as { metric_id?: unknown; params?: unknown };
  if (typeof first?.metric_id !== 'string') return undefined;
  const params = typeof first.params === 'object' && first.params !== null ? (first.params as Record<string, unknown>) : {};
  return fromPreset(first.metric_id, params);
}

function numberParam(params: Record<string, unknown>, name: string): number | undefined {
  const value = params[name];
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;
}

function fromPreset(id: string, params: Record<string, unknown>): MatchHint | undefined {
  switch (id) {
    case 'string_exact':
      return { metric: 'exact', source: id };
    case 'string_case_insensitive':
      return { metric: 'case_insensitive', source: id };
    case 'string_fuzzy':
      return { metric: 'fuzzy', threshold: numberParam(params, 'threshold') ?? 0.8, source: id };
    case 'string_semantic':
    case 'string_llm':
      return { metric: 'semantic', source: id };
    case 'number_exact':
    case 'integer_exact':
      return { metric: 'number', tolerance: 0, source: id };
    case 'number_tolerance':
      return { metric: 'number', tolerance: numberParam(params, 'tolerance') ?? 0.001, source: id };
    case 'boolean_exact':
      return { metric: 'exact', source: id };
    case 'skip':
      return { metric: 'skip', source: id };
    default:
      // array_llm and unknown ids: no hint for this node (its items carry their own).
      return undefined;
  }
}
