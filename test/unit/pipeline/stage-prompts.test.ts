import { describe, expect, it } from 'vitest';
import {
  buildClassifyPrompt,
  buildExtractPrompt,
  buildReviewPrompt,
  buildValidatePrompt,
  validateStageAnswer,
} from '../../../src/pipeline/stage-prompts.ts';
import { ProviderCallError } from '../../../src/providers/types.ts';
import { invoiceSchema } from '../../fixtures/providers/synthetic-documents.ts';

/** Every object schema lists all its properties as required and forbids others (OpenAI strict mode). */
function assertStrict(schema: unknown, path = '$'): void {
  if (Array.isArray(schema)) {
    schema.forEach((item, index) => assertStrict(item, `${path}[${index}]`));
    return;
  }
  if (typeof schema !== 'object' || schema === null) return;
  const node = schema as Record<string, unknown>;
  if (node['type'] === 'object') {
    expect(node['additionalProperties'], path).toBe(false);
    expect([...(node['required'] as string[])].sort(), path).toEqual(Object.keys(node['properties'] as object).sort());
  }
  for (const [key, value] of Object.entries(node)) assertStrict(value, `${path}.${key}`);
}

const candidate = { invoice_number: { value: 'INV-1', confidence: 0.9 }, total_amount: { value: 12.5, confidence: 0.8 } };

describe('stage prompts', () => {
  const prompts = [
    buildClassifyPrompt({ document: 'd', schema: invoiceSchema }),
    buildExtractPrompt({ document: 'd', schema: invoiceSchema }),
    buildExtractPrompt({ document: 'd', schema: invoiceSchema, only_fields: ['paid'] }),
    buildValidatePrompt({ document: 'd', schema: invoiceSchema, candidate }),
    buildReviewPrompt({ document: 'd', schema: invoiceSchema, orchestrator_prompt: 'be careful', candidates: [], verdicts: [] }),
  ];

  it.each(prompts.map((prompt) => [prompt.stage, prompt] as const))('%s has a strict response schema', (_stage, prompt) => {
    expect(prompt.responseSchema['type']).toBe('object');
    assertStrict(prompt.responseSchema);
    expect(prompt.responseName).toMatch(/^[a-zA-Z0-9_-]{1,64}$/);
    expect(prompt.prompt.startsWith(`<task>\n${prompt.stage}\n</task>`)).toBe(true);
  });

  it('types each field value after its field type', () => {
    const fields = (buildExtractPrompt({ document: 'd', schema: invoiceSchema }).responseSchema['properties'] as any).fields.properties;
    expect(fields.total_amount.properties.value.type).toEqual(['number', 'null']);
    expect(fields.line_count.properties.value.type).toEqual(['integer', 'null']);
    expect(fields.currency.properties.value.anyOf[0]).toEqual({ type: 'string', enum: ['USD', 'EUR', 'GBP'] });
    expect(fields.tags.properties.value.anyOf).toEqual([{ type: 'array', items: { type: 'string' } }, { type: 'null' }]);
  });

  it('opens every prompt with its stable part: the task and the schema, before the document', () => {
    const prompts = [
      buildClassifyPrompt({ document: 'the document', schema: invoiceSchema }),
      buildExtractPrompt({ document: 'the document', schema: invoiceSchema, only_fields: ['paid'], round: 1 }),
      buildValidatePrompt({ document: 'the document', schema: invoiceSchema, candidate: {} }),
      buildReviewPrompt({ document: 'the document', schema: invoiceSchema, orchestrator_prompt: 'be careful', candidates: [], verdicts: [] }),
    ];
    for (const prompt of prompts) {
      expect(prompt.prompt.startsWith(prompt.stablePrefix)).toBe(true);
      expect(prompt.stablePrefix).toContain('<schema>');
      expect(prompt.stablePrefix).not.toContain('the document');
      expect(prompt.prompt.indexOf('<schema>')).toBeLessThan(prompt.prompt.indexOf('<document>'));
    }
    // The same stage and schema give the same stable part whatever the document and round.
    const other = buildExtractPrompt({ document: 'another document', schema: invoiceSchema, round: 0 });
    expect(other.stablePrefix).toBe(prompts[1]!.stablePrefix);
  });

  it('asks a re-extraction for its disputed fields only', () => {
    const prompt = buildExtractPrompt({ document: 'd', schema: invoiceSchema, only_fields: ['paid', 'tags'] });
    expect((prompt.responseSchema['properties'] as any).fields.required).toEqual(['paid', 'tags']);
    expect(prompt.prompt).toContain('<round>\n1\n</round>');
    expect(validateStageAnswer('extract', { fields: { paid: { value: true, confidence: 1 }, tags: { value: null, confidence: 0.2 } } }, invoiceSchema, { fields: ['paid', 'tags'] })).toEqual({
      fields: { paid: { value: true, confidence: 1 }, tags: { value: null, confidence: 0.2 } },
    });
  });

  it('returns a valid answer typed', () => {
    expect(validateStageAnswer('classify', { document_type: 'invoice', confidence: 0.9 }, invoiceSchema)).toEqual({
      document_type: 'invoice',
      confidence: 0.9,
    });
    const verdicts = { invoice_number: { valid: true, reason: 'ok' }, total_amount: { valid: false, reason: 'no' } };
    expect(validateStageAnswer('validate', { verdicts }, invoiceSchema, { fields: Object.keys(candidate) })).toEqual({ verdicts });
  });

  it('rejects a wrong answer as retryable malformed output naming the problem', () => {
    const answer = { fields: { invoice_number: { value: 'INV-1', confidence: 0.9 } } };
    let error: unknown;
    try {
      validateStageAnswer('extract', answer, invoiceSchema, { usage: { inputTokens: 10, cachedInputTokens: 0, cacheWriteTokens: 0, outputTokens: 5, reasoningTokens: 0 }, latencyMs: 3 });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ProviderCallError);
    const failure = error as ProviderCallError;
    expect(failure.kind).toBe('malformed_output');
    expect(failure.retryable).toBe(true);
    expect(failure.message).toMatch(/fields\.total_amount/);
    expect(failure.outputTokens).toBe(5);

    const badDate = { fields: Object.fromEntries(invoiceSchema.fields.map((field) => [field.name, { value: null, confidence: 0.5 }])) };
    badDate.fields['issue_date'] = { value: '03/04/2024' as never, confidence: 0.5 };
    expect(() => validateStageAnswer('extract', badDate, invoiceSchema)).toThrow(/issue_date\.value: a date is written YYYY-MM-DD/);
    expect(() => validateStageAnswer('review', { fields: badDate.fields, disputed: ['nope'] }, invoiceSchema)).toThrow(/disputed/);
    expect(() => validateStageAnswer('classify', 'invoice', invoiceSchema)).toThrow(ProviderCallError);
  });
});
