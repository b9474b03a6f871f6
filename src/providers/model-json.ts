import { json, renderSection } from '../pipeline/prompt-sections.ts';

/**
 * Reading the JSON object a model answered with. Structured output gives bare JSON; a model asked for
 * JSON only in the prompt often wraps it in a ```json fence or a sentence, so those are unwrapped —
 * but only ever into one JSON object, parsed, never evaluated.
 */
export type ModelJson = { ok: true; value: Record<string, unknown> } | { ok: false; problem: string };

function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const value = JSON.parse(text) as unknown;
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

export function parseModelJson(text: string, options: { lenient: boolean }): ModelJson {
  const trimmed = text.trim();
  if (trimmed === '') return { ok: false, problem: 'the answer is empty' };
  const direct = parseObject(trimmed);
  if (direct) return { ok: true, value: direct };
  if (options.lenient) {
    const fenced = /```(?:json)?\s*\n([\s\S]*?)\n?```/i.exec(trimmed)?.[1];
    const fromFence = fenced === undefined ? undefined : parseObject(fenced);
    if (fromFence) return { ok: true, value: fromFence };
    const start = trimmed.indexOf('{');
    const end = trimmed.lastIndexOf('}');
    const embedded = start >= 0 && end > start ? parseObject(trimmed.slice(start, end + 1)) : undefined;
    if (embedded) return { ok: true, value: embedded };
  }
  const preview = trimmed.length > 120 ? `${trimmed.slice(0, 120)}…` : trimmed;
  return { ok: false, problem: `not a JSON object: ${JSON.stringify(preview)}` };
}

/**
 * System and prompt for a model without structured output: the response schema travels in the
 * prompt instead, in its own `<answer_format>` section.
 */
export function promptAskingForJson(request: {
  system: string;
  prompt: string;
  responseSchema: Record<string, unknown>;
}): { system: string; prompt: string } {
  return {
    system: `${request.system}\nReply with only one JSON object that conforms to the JSON Schema in <answer_format>: no prose, no code fence.`,
    prompt: `${request.prompt}\n\n${renderSection('answer_format', json(request.responseSchema))}`,
  };
}
