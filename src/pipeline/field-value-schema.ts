import { z } from 'zod';
import type { ExtractionField } from '../domain/extraction-schema.ts';

/**
 * The JSON type of one extracted field's value, in both forms a model call needs: a JSON Schema the
 * provider enforces (restricted to what OpenAI strict mode, Anthropic tool input and Gemini's
 * responseJsonSchema all accept) and a zod schema that checks the answer on our side, because a model
 * without structured output — or a provider bug — can still send anything. Every value may be null:
 * "not in the document" is a legitimate answer.
 */

const DATE_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

export function isIsoDate(value: string): boolean {
  if (!DATE_PATTERN.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  // Round-tripping rejects 2024-02-30, which Date would silently roll over to March.
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
}

export function fieldValueJsonSchema(field: ExtractionField): Record<string, unknown> {
  const description = field.description ? { description: field.description } : {};
  switch (field.type) {
    case 'string':
      return { type: ['string', 'null'], ...description };
    case 'number':
      return { type: ['number', 'null'], ...description };
    case 'integer':
      return { type: ['integer', 'null'], ...description };
    case 'boolean':
      return { type: ['boolean', 'null'], ...description };
    case 'date':
      return {
        type: ['string', 'null'],
        description: `${field.description ? `${field.description}. ` : ''}A calendar date written YYYY-MM-DD.`,
      };
    case 'enum':
      // OpenAI strict mode accepts an enum that includes null only through anyOf.
      return {
        anyOf: [{ type: 'string', enum: field.values ?? [] }, { type: 'null' }],
        ...description,
      };
    case 'list':
      // anyOf rather than a type array: Anthropic's strict-schema rewrite keeps `items` only on a plain array.
      return { anyOf: [{ type: 'array', items: { type: 'string' } }, { type: 'null' }], ...description };
  }
}

export function fieldValueZod(field: ExtractionField): z.ZodType<string | number | boolean | string[] | null> {
  switch (field.type) {
    case 'string':
      return z.string().nullable();
    case 'number':
      return z.number().nullable();
    case 'integer':
      return z.number().int().nullable();
    case 'boolean':
      return z.boolean().nullable();
    case 'date':
      return z.string().refine(isIsoDate, 'a date is written YYYY-MM-DD').nullable();
    case 'enum': {
      const values = field.values ?? [];
      return z
        .string()
        .refine((value) => values.includes(value), `one of ${values.map((value) => JSON.stringify(value)).join(', ')}`)
        .nullable();
    }
    case 'list':
      return z.array(z.string()).nullable();
  }
}
