import { z } from 'zod';
import { formatPointer } from './json-pointer.ts';
import { objectNodeFromJsonSchema } from './json-schema-form.ts';
import { IssueList, SchemaRefusedError, type SchemaIssue } from './schema-issues.ts';
import type { CanonicalSchema, ObjectNode } from './schema-node.ts';
import { SimpleSchemaSchema, objectNodeFromSimpleFields, tooDeepSimpleField } from './simple-form.ts';
import { ValidationRulesSchema, type ValidationRule } from './validation-rule-format.ts';
import { checkRules } from './validation-rules.ts';

/**
 * The one entry point for a schema given by a client: the simple form `{name, fields, rules?}`, a
 * JSON Schema `{name, json_schema, rules?}`, or an ExtractBench schema file's wrapper
 * `{name, description, schema_definition}`. The result is the canonical schema; a refusal lists every
 * problem with its JSON Pointer into the given schema object, e.g. `/json_schema/properties/x/not`.
 */

const NameSchema = z.string().min(1).max(200);

export const JsonSchemaFormSchema = z.strictObject({
  name: NameSchema,
  description: z.string().max(2000).optional(),
  json_schema: z.record(z.string(), z.unknown()),
  rules: z.array(z.unknown()).optional(),
});

/** ExtractBench's wrapper; other keys of the file are ignored. */
export const ExtractBenchWrapperSchema = z.looseObject({
  name: NameSchema,
  description: z.string().max(2000).optional(),
  schema_definition: z.record(z.string(), z.unknown()),
});

/** What a request may carry as its schema (for request validation and the OpenAPI document). */
export const ExtractionSchemaInputSchema = z.union([SimpleSchemaSchema, JsonSchemaFormSchema, ExtractBenchWrapperSchema]);
export type ExtractionSchemaInput = z.input<typeof ExtractionSchemaInputSchema>;

export type SchemaParseResult = { ok: true; schema: CanonicalSchema } | { ok: false; issues: SchemaIssue[] };

function zodIssues(error: z.ZodError, prefix: (string | number)[] = []): SchemaIssue[] {
  return error.issues.map((issue) => ({
    path: formatPointer([...prefix, ...issue.path.map((segment) => (typeof segment === 'symbol' ? String(segment) : segment))]),
    message: issue.message,
  }));
}

export function tryParseExtractionSchema(input: unknown): SchemaParseResult {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return { ok: false, issues: [{ path: '', message: 'a schema is an object: {name, fields} or {name, json_schema}' }] };
  }
  const issues = new IssueList();
  let name: string;
  let description: string | undefined;
  let root: ObjectNode | undefined;
  if ('fields' in input) {
    const parsed = SimpleSchemaSchema.safeParse(input);
    if (!parsed.success) return { ok: false, issues: zodIssues(parsed.error) };
    const tooDeep = tooDeepSimpleField(parsed.data.fields);
    if (tooDeep) return { ok: false, issues: [{ path: tooDeep, message: 'nested more than 10 object levels deep, which OpenAI strict mode refuses' }] };
    name = parsed.data.name;
    root = objectNodeFromSimpleFields(parsed.data.fields);
  } else if ('json_schema' in input) {
    const parsed = JsonSchemaFormSchema.safeParse(input);
    if (!parsed.success) return { ok: false, issues: zodIssues(parsed.error) };
    ({ name, description } = parsed.data);
    root = objectNodeFromJsonSchema(parsed.data.json_schema, '/json_schema', issues);
  } else if ('schema_definition' in input) {
    const parsed = ExtractBenchWrapperSchema.safeParse(input);
    if (!parsed.success) return { ok: false, issues: zodIssues(parsed.error) };
    ({ name, description } = parsed.data);
    root = objectNodeFromJsonSchema(parsed.data.schema_definition, '/schema_definition', issues);
  } else {
    return { ok: false, issues: [{ path: '', message: 'a schema has either "fields" (the simple form) or "json_schema" (a JSON Schema)' }] };
  }
  let rules: ValidationRule[] = [];
  const rawRules = (input as { rules?: unknown }).rules;
  if (rawRules !== undefined) {
    const parsed = ValidationRulesSchema.safeParse(rawRules);
    if (!parsed.success) zodIssues(parsed.error, ['rules']).forEach((issue) => issues.add(issue.path, issue.message));
    else rules = parsed.data;
  }
  if (root && rules.length > 0) checkRules(root, rules, issues);
  if (!root || !issues.empty) return { ok: false, issues: issues.items };
  return { ok: true, schema: { name, ...(description ? { description } : {}), root, rules } };
}

/** Like `tryParseExtractionSchema`, throwing `SchemaRefusedError` on a refusal. */
export function parseExtractionSchema(input: unknown): CanonicalSchema {
  const result = tryParseExtractionSchema(input);
  if (!result.ok) throw new SchemaRefusedError(result.issues);
  return result.schema;
}

/**
 * An ExtractBench `*-schema.json` file as a schema named `name`: either the wrapper form with
 * `schema_definition` (its own name is kept) or a bare JSON Schema.
 */
export function schemaInputFromExtractBenchFile(name: string, file: unknown): unknown {
  if (typeof file === 'object' && file !== null && 'schema_definition' in file) return file;
  return { name, json_schema: file };
}
