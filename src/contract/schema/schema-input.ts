import { z } from 'zod';
import { parsePointer } from './json-pointer.ts';
import { tryParseExtractionSchema } from './parse-schema.ts';
import type { CanonicalSchema } from './schema-node.ts';

/**
 * A schema as it crosses an edge: in a request body, and as it leaves the database. It is kept as
 * the client gave it (so `GET /queue/{id}` shows the form that was sent) and read into the canonical
 * tree wherever it is used, with `parseExtractionSchema`'s one set of rules.
 */

const DESCRIPTION =
  'The simple form `{name, fields: [{name, type, description, required, values?, fields?, items?}], rules?}` ' +
  '(types string, number, integer, boolean, date, enum, list, object), a published JSON Schema ' +
  '`{name, json_schema, rules?}`, or an ExtractBench schema file `{name, description, schema_definition}`.';

/** Segments of a refusal's JSON Pointer, as zod paths hold them (numbers for list indices). */
function pathOf(pointer: string): Array<string | number> {
  return parsePointer(pointer).map((segment) => (/^(0|[1-9]\d*)$/.test(segment) ? Number(segment) : segment));
}

/**
 * A schema in a request: any object, refused with every problem `parseExtractionSchema` finds, each
 * at its path (`schema.json_schema.$defs.node.properties.child.$ref`).
 */
export const ExtractionSchemaBodySchema = z
  .record(z.string(), z.unknown())
  .superRefine((input, ctx) => {
    const parsed = tryParseExtractionSchema(input);
    if (parsed.ok) return;
    for (const issue of parsed.issues) ctx.addIssue({ code: 'custom', path: pathOf(issue.path), message: issue.message });
  })
  .meta({ id: 'ExtractionSchema', description: DESCRIPTION });

/** A stored schema (as given) read into the canonical tree; a schema that no longer reads is a row problem. */
export const CanonicalSchemaFromStored: z.ZodType<CanonicalSchema, unknown> = z.record(z.string(), z.unknown()).transform((input, ctx) => {
  const parsed = tryParseExtractionSchema(input);
  if (parsed.ok) return parsed.schema;
  for (const issue of parsed.issues.slice(0, 5)) ctx.addIssue({ code: 'custom', path: pathOf(issue.path), message: issue.message });
  return z.NEVER;
});

export { pathOf as pointerPath };
