import { describe, expect, it } from 'vitest';
import type { ExtractionSchema } from '../../../src/domain/extraction-schema.ts';
import { validateStageAnswer } from '../../../src/pipeline/stage-answers.ts';

/** Answer schemas are built once per stage, schema and field subset: a kept one must never answer for another. */
describe('answer schemas kept between calls', () => {
  const schema: ExtractionSchema = {
    name: 'invoice',
    fields: [
      { name: 'invoice_number', type: 'string', description: '', required: true },
      { name: 'total_amount', type: 'number', description: '', required: true },
    ],
  };
  const both = { fields: { invoice_number: { value: 'A-1', confidence: 0.9 }, total_amount: { value: 12.5, confidence: 0.8 } } };
  const onlyNumber = { fields: { invoice_number: { value: 'A-1', confidence: 0.9 } } };

  it('checks a subset of fields against that subset, and the whole schema against all of it, in any order', () => {
    for (let round = 0; round < 2; round += 1) {
      expect(validateStageAnswer('extract', both, schema)).toEqual(both);
      expect(() => validateStageAnswer('extract', onlyNumber, schema)).toThrow(/total_amount/);
      expect(validateStageAnswer('extract', onlyNumber, schema, { fields: ['invoice_number'] })).toEqual(onlyNumber);
      expect(() => validateStageAnswer('extract', both, schema, { fields: ['invoice_number'] })).toThrow(/total_amount/);
    }
  });

  it('tells schemas of the same name apart by their fields', () => {
    const renamed: ExtractionSchema = { ...schema, fields: [{ name: 'invoice_number', type: 'number', description: '', required: true }] };
    expect(validateStageAnswer('extract', onlyNumber, schema, { fields: ['invoice_number'] })).toEqual(onlyNumber);
    expect(() => validateStageAnswer('extract', onlyNumber, renamed)).toThrow();
  });
});
