import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../../src/providers/catalog.ts';
import { simulateAnswer } from '../../../src/providers/simulator/simulated-model.ts';
import { getAt } from '../../../src/contract/schema/json-pointer.ts';
import { valueLeaves } from '../../../src/contract/schema/leaves.ts';
import { buildClassifyPrompt, buildExtractPrompt, buildReviewPrompt, buildValidatePrompt } from '../../../src/pipeline/stage-prompts.ts';
import { expectedInvoice, invoiceSchema, syntheticInvoice } from '../../fixtures/providers/synthetic-documents.ts';

const catalog = loadCatalog();
const DOCUMENTS = 200;

function extractWith(modelId: string, i: number, temperature = 0) {
  const prompt = buildExtractPrompt({ document: syntheticInvoice(i), schema: invoiceSchema });
  const { answer } = simulateAnswer({ model: catalog.require(modelId), system: prompt.system, prompt: prompt.prompt, temperature });
  return prompt.format.read(answer);
}

function scores(modelId: string, temperature = 0) {
  let right = 0;
  let total = 0;
  const confidence = { right: [] as number[], wrong: [] as number[] };
  for (let i = 0; i < DOCUMENTS; i += 1) {
    const extracted = extractWith(modelId, i, temperature);
    for (const leaf of valueLeaves(invoiceSchema.root, expectedInvoice(i))) {
      const correct = JSON.stringify(getAt(extracted.data, leaf.pointer) ?? null) === JSON.stringify(leaf.value);
      total += 1;
      if (correct) right += 1;
      const given = extracted.confidence[leaf.pointer];
      if (given !== undefined) (correct ? confidence.right : confidence.wrong).push(given);
    }
  }
  const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / Math.max(1, values.length);
  return { accuracy: right / total, meanConfidenceRight: mean(confidence.right), meanConfidenceWrong: mean(confidence.wrong) };
}

describe('simulated models', () => {
  it('reads every field of a synthetic invoice when it does not err', () => {
    // At accuracy 1 the simulator is the document reader itself.
    const perfect = { ...catalog.require('gpt-4o'), id: 'perfect', simulated_profile: { accuracy: 1, latency_factor: 1, output_tokens_per_field: 1 } };
    const prompt = buildExtractPrompt({ document: syntheticInvoice(11), schema: invoiceSchema });
    const { answer } = simulateAnswer({ model: perfect, system: prompt.system, prompt: prompt.prompt, temperature: 0 });
    expect(prompt.format.read(answer).data).toEqual(expectedInvoice(11));
  });

  it('scores an accurate profile clearly above a cheap one over 200 documents', () => {
    const accurate = scores('claude-opus-4-7');
    const cheap = scores('gpt-4.1-nano');
    expect(accurate.accuracy).toBeGreaterThan(0.95);
    expect(cheap.accuracy).toBeLessThan(0.85);
    expect(accurate.accuracy - cheap.accuracy).toBeGreaterThan(0.1);
    // Right answers come with higher confidence on average.
    expect(cheap.meanConfidenceRight).toBeGreaterThan(cheap.meanConfidenceWrong + 0.1);
  });

  it('is a little less accurate at a higher temperature', () => {
    expect(scores('gpt-4o-mini', 0).accuracy).toBeGreaterThan(scores('gpt-4o-mini', 1).accuracy);
  });

  it('answers the same call the same way, and differently on another round', () => {
    expect(extractWith('gpt-4.1-nano', 5)).toEqual(extractWith('gpt-4.1-nano', 5));
    const prompt = (round: number) => buildExtractPrompt({ document: syntheticInvoice(5), schema: invoiceSchema, only_paths: ['/total_amount'], round });
    const model = catalog.require('gpt-4.1-nano');
    const answers = new Set(
      [1, 2, 3, 4, 5, 6, 7, 8].map((round) =>
        JSON.stringify(simulateAnswer({ model, system: '', prompt: prompt(round).prompt, temperature: 0 }).answer),
      ),
    );
    expect(answers.size).toBeGreaterThan(1);
  });

  it('classifies by the stated type, else by keywords', () => {
    const model = catalog.require('claude-opus-4-7');
    const classify = (document: string) =>
      simulateAnswer({ model, system: '', prompt: buildClassifyPrompt({ document, schema: invoiceSchema }).prompt, temperature: 0 }).answer;
    expect(classify('Document type: Purchase Order\nPO: 1')).toMatchObject({ document_type: 'purchase_order' });
    expect(classify(syntheticInvoice(1))).toMatchObject({ document_type: 'invoice' });
    expect(classify('Hello there')).toMatchObject({ document_type: 'unknown' });
  });

  it('validates candidates against the document, and reviews by verdicts and confidence', () => {
    const document = syntheticInvoice(3);
    const validator = catalog.require('claude-opus-4-7');
    const right = { invoice_number: 'INV-1003', total_amount: 1285.5 };
    const wrong = { invoice_number: 'INV-1008', total_amount: 12855 };
    const validate = (candidate: Record<string, unknown>) => {
      const prompt = buildValidatePrompt({ document, schema: invoiceSchema, candidate });
      return prompt.format.read(simulateAnswer({ model: validator, system: '', prompt: prompt.prompt, temperature: 0 }).answer).verdicts;
    };
    const rightVerdicts = validate(right);
    const wrongVerdicts = validate(wrong);
    expect(Object.values(rightVerdicts).map((verdict) => verdict.valid)).toEqual([true, true]);
    expect(Object.values(wrongVerdicts).map((verdict) => verdict.valid)).toEqual([false, false]);

    const prompt = buildReviewPrompt({
      document,
      schema: invoiceSchema,
      orchestrator_prompt: 'Prefer validated values.',
      candidates: [
        { model: 'a', round: 0, data: wrong, confidence: { '/invoice_number': 0.95, '/total_amount': 0.9 } },
        { model: 'b', round: 0, data: right, confidence: { '/invoice_number': 0.6, '/total_amount': 0.6 } },
      ],
      verdicts: [
        { candidate: 0, validator: validator.id, verdicts: wrongVerdicts },
        { candidate: 1, validator: validator.id, verdicts: rightVerdicts },
      ],
      reextracted: ['/paid'],
    });
    const review = prompt.format.read(simulateAnswer({ model: validator, system: '', prompt: prompt.prompt, temperature: 0 }).answer);
    expect(review.data).toMatchObject({ invoice_number: 'INV-1003', total_amount: 1285.5 });
    expect(review.confidence['/invoice_number']).toBe(0.6);
    // No candidate at all for the other values: disputed, except the one already re-extracted.
    expect(review.disputed).toContain('/issue_date');
    expect(review.disputed).not.toContain('/paid');
    expect(review.disputed).not.toContain('/invoice_number');
  });
});
