import { filterKeywords } from './keyword-filter.ts';
import type { JsonSchema } from './wire-json-schema.ts';

/**
 * An answer schema as Gemini's `generationConfig.responseJsonSchema` (with `responseMimeType:
 * "application/json"`). What it supports, from the field's documentation in @google/genai
 * (node_modules/@google/genai/dist/genai.d.ts, `GenerationConfig.responseJsonSchema`): `$id`,
 * `$defs`, `$ref`, `$anchor`, `type` (type lists included), `format`, `title`, `description`, `enum`
 * (strings and numbers), `items`, `prefixItems`, `minItems`, `maxItems`, `minimum`, `maximum`,
 * `anyOf`, `oneOf`, `properties`, `additionalProperties`, `required`, and the non-standard
 * `propertyOrdering`. `const` becomes a one-value `enum`; `pattern` and the rest go into the
 * description. Every object gets `propertyOrdering` in the schema's own order, so the answer's
 * `data` comes before its confidences and a document's fields in the order the schema gives them.
 * No numeric limits are documented; a schema too complex for Gemini is answered with a 400 the run
 * reports like any other.
 */

const KEEP = new Set(['format', 'title', 'enum', 'const', 'minItems', 'maxItems', 'minimum', 'maximum']);

export function geminiResponseSchema(schema: JsonSchema): JsonSchema {
  return filterKeywords(schema, {
    keep: KEEP,
    finish: (node) => {
      const finished: JsonSchema = { ...node };
      if ('const' in node) {
        finished.enum = [node.const];
        delete finished.const;
      }
      if (typeof node.properties === 'object' && node.properties !== null) finished.propertyOrdering = Object.keys(node.properties);
      return finished;
    },
  });
}
