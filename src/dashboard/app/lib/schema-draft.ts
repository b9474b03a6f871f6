import { tryParseExtractionSchema } from '../../../contract/schema/parse-schema.ts';
import type { SchemaIssue } from '../../../contract/schema/schema-issues.ts';
import type { CanonicalSchema } from '../../../contract/schema/schema-node.ts';
import { SCHEMA_TEMPLATES, cloneSchema, type SimpleSchemaDraft } from './schema-templates.ts';

/**
 * The schema documents are queued with: a template or custom schema edited field by field (the
 * simple form), or a JSON Schema file imported as it is (sent as `{name, json_schema}`, or as the
 * file's own wrapper when it has one, such as ExtractBench's `schema_definition`).
 */
export type SchemaDraft = { form: 'fields'; template: string; schema: SimpleSchemaDraft } | { form: 'json'; file: string; schema: Record<string, unknown> };

export const CUSTOM = 'custom';

export function templateDraft(name: string): SchemaDraft {
  const found = SCHEMA_TEMPLATES.find((candidate) => candidate.name === name);
  return {
    form: 'fields',
    template: found ? name : CUSTOM,
    schema: found ? cloneSchema(found) : { name: 'custom', fields: [{ name: 'title', type: 'string', description: '', required: true }] },
  };
}

/** What the draft reads as: the canonical schema, or why it does not read. */
export function readDraft(draft: SchemaDraft): { ok: true; schema: CanonicalSchema } | { ok: false; issues: SchemaIssue[] } {
  return tryParseExtractionSchema(draft.schema);
}

/**
 * A JSON file picked to import: a schema in one of the accepted forms, or a bare JSON Schema, which
 * is named after its `title` or the file. Throws with a person's message when it is not JSON.
 */
export function importedDraft(file: string, text: string): SchemaDraft {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error(`${file} is not JSON`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error(`${file} does not hold a JSON object`);
  const object = parsed as Record<string, unknown>;
  if ('fields' in object && Array.isArray(object.fields)) return { form: 'fields', template: CUSTOM, schema: object as unknown as SimpleSchemaDraft };
  if ('json_schema' in object || 'schema_definition' in object) return { form: 'json', file, schema: object };
  const name = typeof object.title === 'string' && object.title.trim() ? object.title.trim().slice(0, 200) : file.replace(/(-schema)?\.json$/i, '') || 'imported';
  return { form: 'json', file, schema: { name, json_schema: object } };
}
