import { z } from 'zod';
import type { ObjectNode, SchemaNode } from './schema-node.ts';

/**
 * The simple form of a schema: `{name, fields: [{name, type, description, required, values}]}`, as
 * Quarry has always taken it (every flat schema written so far stays valid), extended with
 * - `type: "object"` and `fields` (its own fields, to any depth),
 * - `type: "list"` and `items`: a type name (`"number"`), an enum (`{type: "enum", values}`), or rows
 *   (`{fields: [...]}`). A list without `items` is a list of strings, as before.
 * Every value may be null ("not in the document"); `required` says the document always has it.
 */

export const SIMPLE_FIELD_TYPES = ['string', 'number', 'integer', 'boolean', 'date', 'enum', 'list', 'object'] as const;
export type SimpleFieldType = (typeof SIMPLE_FIELD_TYPES)[number];

const ITEM_TYPES = ['string', 'number', 'integer', 'boolean', 'date'] as const;
const MAX_NESTING = 10;

const FieldNameSchema = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/, 'a field name is a letter or _ followed by letters, digits or _ (64 at most)');
const EnumValuesSchema = z.array(z.string().min(1).max(200)).min(1).max(100);

export interface SimpleField {
  name: string;
  type: SimpleFieldType;
  description: string;
  required: boolean;
  /** The allowed values of an `enum` field. */
  values?: string[] | undefined;
  /** The fields of an `object` field. */
  fields?: SimpleField[] | undefined;
  /** What a `list` holds; strings when absent. */
  items?: SimpleListItems | undefined;
}

export type SimpleListItems =
  | (typeof ITEM_TYPES)[number]
  | { type: (typeof ITEM_TYPES)[number] | 'enum'; values?: string[] | undefined; description?: string | undefined }
  | { fields: SimpleField[]; description?: string | undefined };

export interface SimpleFieldInput {
  name: string;
  type: SimpleFieldType;
  description?: string | undefined;
  required?: boolean | undefined;
  values?: string[] | undefined;
  fields?: SimpleFieldInput[] | undefined;
  items?:
    | (typeof ITEM_TYPES)[number]
    | { type: (typeof ITEM_TYPES)[number] | 'enum'; values?: string[] | undefined; description?: string | undefined }
    | { fields: SimpleFieldInput[]; description?: string | undefined }
    | undefined;
}

function uniqueNames(fields: readonly { name: string }[], ctx: z.RefinementCtx, path: PropertyKey[]): void {
  const seen = new Set<string>();
  fields.forEach((field, index) => {
    if (seen.has(field.name)) ctx.addIssue({ code: 'custom', path: [...path, index, 'name'], message: `duplicate field "${field.name}"` });
    seen.add(field.name);
  });
}

const FieldListSchema: z.ZodType<SimpleField[], SimpleFieldInput[]> = z.lazy(() =>
  z
    .array(SimpleFieldSchema)
    .min(1)
    .max(100)
    .superRefine((fields, ctx) => uniqueNames(fields, ctx, [])),
);

const ListItemsSchema = z.union([
  z.enum(ITEM_TYPES),
  z
    .strictObject({
      type: z.enum([...ITEM_TYPES, 'enum']),
      values: EnumValuesSchema.optional(),
      description: z.string().max(2000).optional(),
    })
    .superRefine((items, ctx) => {
      if (items.type === 'enum' && !items.values) ctx.addIssue({ code: 'custom', path: ['values'], message: 'enum items list their allowed values' });
      if (items.type !== 'enum' && items.values) ctx.addIssue({ code: 'custom', path: ['values'], message: 'only enum items take values' });
    }),
  z.strictObject({ fields: FieldListSchema, description: z.string().max(2000).optional() }),
]);

export const SimpleFieldSchema: z.ZodType<SimpleField, SimpleFieldInput> = z
  .strictObject({
    name: FieldNameSchema,
    type: z.enum(SIMPLE_FIELD_TYPES),
    description: z.string().max(2000).default(''),
    required: z.boolean().default(false),
    values: EnumValuesSchema.optional(),
    fields: FieldListSchema.optional(),
    items: ListItemsSchema.optional(),
  })
  .superRefine((field, ctx) => {
    const only = (key: 'values' | 'fields' | 'items', type: SimpleFieldType, message: string) => {
      if (field.type === type && field[key] === undefined) ctx.addIssue({ code: 'custom', path: [key], message });
      if (field.type !== type && field[key] !== undefined) ctx.addIssue({ code: 'custom', path: [key], message: `only ${type === 'enum' ? 'an' : 'a'} ${type} field takes ${key}` });
    };
    only('values', 'enum', 'an enum field lists its allowed values');
    only('fields', 'object', 'an object field lists its fields');
    if (field.type !== 'list' && field.items !== undefined) ctx.addIssue({ code: 'custom', path: ['items'], message: 'only a list field takes items' });
  });

export const SimpleSchemaSchema = z.strictObject({
  name: z.string().min(1).max(200),
  fields: FieldListSchema,
  /** Checked against the schema by `validation-rules.ts`; kept opaque here. */
  rules: z.array(z.unknown()).optional(),
});
export type SimpleSchema = z.infer<typeof SimpleSchemaSchema>;

/** Nesting beyond what OpenAI strict mode takes (10 object levels) is refused; returns the offending path. */
export function tooDeepSimpleField(fields: readonly SimpleField[], path = '/fields', level = 1): string | undefined {
  for (const [index, field] of fields.entries()) {
    const nested = field.fields ?? (field.items && typeof field.items === 'object' && 'fields' in field.items ? field.items.fields : undefined);
    if (!nested) continue;
    const here = `${path}/${index}`;
    if (level + 1 > MAX_NESTING) return here;
    const deeper = tooDeepSimpleField(nested, field.fields ? `${here}/fields` : `${here}/items/fields`, level + 1);
    if (deeper) return deeper;
  }
  return undefined;
}

export function objectNodeFromSimpleFields(fields: readonly SimpleField[]): ObjectNode {
  return {
    kind: 'object',
    nullable: false,
    properties: fields.map((field) => ({ name: field.name, required: field.required, node: nodeFromSimpleField(field) })),
  };
}

function described<T extends SchemaNode>(node: T, description: string | undefined): T {
  return description ? { ...node, description } : node;
}

function nodeFromSimpleField(field: SimpleField): SchemaNode {
  const nullable = !field.required;
  switch (field.type) {
    case 'string':
    case 'number':
    case 'integer':
    case 'boolean':
    case 'date':
      return described({ kind: field.type, nullable }, field.description);
    case 'enum':
      return described({ kind: 'enum', values: field.values ?? [], nullable }, field.description);
    case 'object':
      return described({ ...objectNodeFromSimpleFields(field.fields ?? []), nullable }, field.description);
    case 'list':
      return described({ kind: 'array', items: nodeFromListItems(field.items ?? 'string'), nullable }, field.description);
  }
}

function nodeFromListItems(items: SimpleListItems): SchemaNode {
  if (typeof items === 'string') return { kind: items, nullable: false };
  if ('fields' in items) return described(objectNodeFromSimpleFields(items.fields), items.description);
  if (items.type === 'enum') return described({ kind: 'enum', values: items.values ?? [], nullable: false }, items.description);
  return described({ kind: items.type, nullable: false }, items.description);
}
