import { describe, expect, it } from 'vitest';
import { parseExtractionSchema } from '../../../src/contract/schema/parse-schema.ts';
import { parseSections, readJsonSection } from '../../../src/pipeline/prompt-sections.ts';
import { buildClassifyPrompt, buildExtractPrompt, buildReviewPrompt, buildValidatePrompt, readStageAnswer } from '../../../src/pipeline/stage-prompts.ts';
import { ProviderCallError } from '../../../src/providers/types.ts';
import { invoiceSchema } from '../../fixtures/providers/synthetic-documents.ts';
import { invoiceSchemaInput as nestedInput } from '../schema/invoice-fixture.ts';

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

const nested = parseExtractionSchema(nestedInput);
const candidate = { invoice_number: 'INV-1', total_amount: 12.5 };
const usage = { inputTokens: 10, cachedInputTokens: 0, cacheWriteTokens: 0, outputTokens: 5, reasoningTokens: 0 };

describe('stage prompts', () => {
  const prompts = [
    buildClassifyPrompt({ document: 'd', schema: invoiceSchema }),
    buildExtractPrompt({ document: 'd', schema: invoiceSchema }),
    buildExtractPrompt({ document: 'd', schema: nested, only_paths: ['/line_items/1/amount'] }),
    buildValidatePrompt({ document: 'd', schema: nested, candidate: { line_items: [{ description: 'x', amount: 2 }] } }),
    buildReviewPrompt({ document: 'd', schema: nested, orchestrator_prompt: 'be careful', candidates: [], verdicts: [] }),
  ];

  it.each(prompts.map((prompt) => [prompt.stage, prompt] as const))('%s has a strict response schema', (_stage, prompt) => {
    expect(prompt.responseSchema['type']).toBe('object');
    assertStrict(prompt.responseSchema);
    expect(prompt.responseName).toMatch(/^[a-zA-Z0-9_-]{1,64}$/);
    expect(prompt.prompt.startsWith(`<task>\n${prompt.stage}\n</task>`)).toBe(true);
  });

  it('asks for the data in the schema’s own shape, each value typed, null where the document is silent', () => {
    const data = (buildExtractPrompt({ document: 'd', schema: nested }).responseSchema['properties'] as any).data;
    expect(data.properties.invoice_number.type).toEqual(['string', 'null']);
    expect(data.properties.currency.anyOf[0]).toEqual({ type: 'string', enum: ['EUR', 'USD', 'GBP'] });
    expect(data.properties.line_items.type).toBe('array');
    expect(data.properties.line_items.items.properties.amount.type).toEqual(['number', 'null']);
    expect(data.properties.seller.properties.address.properties.country.properties.code.type).toEqual(['string', 'null']);
  });

  it('shows the model the schema as a JSON Schema, with its rules, that reads back to the same schema', () => {
    const section = readJsonSection(parseSections(buildExtractPrompt({ document: 'd', schema: nested }).prompt), 'schema');
    expect(parseExtractionSchema(section)).toEqual(nested);
  });

  it('opens every prompt with its stable part: the task and the schema, before the document', () => {
    const all = [
      buildClassifyPrompt({ document: 'the document', schema: invoiceSchema }),
      buildExtractPrompt({ document: 'the document', schema: invoiceSchema, only_paths: ['/paid'], round: 1 }),
      buildValidatePrompt({ document: 'the document', schema: invoiceSchema, candidate: {} }),
      buildReviewPrompt({ document: 'the document', schema: invoiceSchema, orchestrator_prompt: 'be careful', candidates: [], verdicts: [] }),
    ];
    for (const prompt of all) {
      expect(prompt.prompt.startsWith(prompt.stablePrefix)).toBe(true);
      expect(prompt.stablePrefix).toContain('<schema>');
      expect(prompt.stablePrefix).not.toContain('the document');
      expect(prompt.prompt.indexOf('<schema>')).toBeLessThan(prompt.prompt.indexOf('<document>'));
    }
    // The same stage and schema give the same stable part whatever the document and round.
    const other = buildExtractPrompt({ document: 'another document', schema: invoiceSchema, round: 0 });
    expect(other.stablePrefix).toBe(all[1]!.stablePrefix);
  });

  it('asks a re-extraction for its disputed paths only, a value in a list widened to the list', () => {
    const prompt = buildExtractPrompt({ document: 'd', schema: nested, only_paths: ['/line_items/2/amount', '/seller/address/city'] });
    const data = (prompt.responseSchema['properties'] as any).data;
    expect(Object.keys(data.properties)).toEqual(['seller', 'line_items']);
    expect(Object.keys(data.properties.seller.properties)).toEqual(['address']);
    expect(readJsonSection(parseSections(prompt.prompt), 'only_paths')).toEqual(['/seller/address/city', '/line_items']);
    expect(prompt.prompt).toContain('<round>\n1\n</round>');
    const answer = prompt.format.read({ data: { seller: { address: { city: 'Berlin' } }, line_items: [] }, default_confidence: 0.8, confidence: [] });
    expect(answer.data).toEqual({ seller: { address: { city: 'Berlin' } }, line_items: [] });
    expect(answer.confidence).toEqual({ '/seller/address/city': 0.8 });
  });

  it('shows the orchestrator each candidate and only the values a validator rejected', () => {
    const prompt = buildReviewPrompt({
      document: 'd',
      schema: invoiceSchema,
      orchestrator_prompt: '',
      candidates: [{ model: 'm', round: 0, data: candidate, confidence: { '/invoice_number': 0.9, '/total_amount': 0.4 } }],
      verdicts: [{ candidate: 0, validator: 'v', verdicts: { '/invoice_number': { valid: true, reason: '' }, '/total_amount': { valid: false, reason: 'says 21.5' } } }],
      reextracted: ['/paid'],
    });
    const sections = parseSections(prompt.prompt);
    expect(readJsonSection(sections, 'verdicts')).toEqual([{ candidate: 0, validator: 'v', judged: 2, invalid: [{ pointer: '/total_amount', reason: 'says 21.5' }] }]);
    expect(readJsonSection(sections, 'reextracted')).toEqual(['/paid']);
  });

  it('reads a valid answer, and refuses a wrong one as retryable malformed output naming the problem', () => {
    const classify = buildClassifyPrompt({ document: 'd', schema: invoiceSchema });
    expect(readStageAnswer('classify', classify.format, { document_type: 'invoice', confidence: 0.9 })).toEqual({ document_type: 'invoice', confidence: 0.9 });
    const extract = buildExtractPrompt({ document: 'd', schema: invoiceSchema });
    let error: unknown;
    try {
      readStageAnswer('extract', extract.format, { data: { invoice_number: 'INV-1' }, default_confidence: 0.9, confidence: [] }, { usage, latencyMs: 3 });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ProviderCallError);
    const failure = error as ProviderCallError;
    expect(failure.kind).toBe('malformed_output');
    expect(failure.retryable).toBe(true);
    expect(failure.message).toMatch(/\/data\/total_amount: .*expected number/);
    expect(failure.outputTokens).toBe(5);
    const badDate = { data: { ...Object.fromEntries(invoiceSchema.root.properties.map((property) => [property.name, null])), tags: [], issue_date: '03/04/2024' }, default_confidence: 0.5, confidence: [] };
    expect(() => readStageAnswer('extract', extract.format, badDate)).toThrow(/\/data\/issue_date: a date is written YYYY-MM-DD/);
    expect(() => readStageAnswer('classify', classify.format, 'invoice')).toThrow(ProviderCallError);
  });
});
