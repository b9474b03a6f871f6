import { z } from 'zod';

export const FIELD_TYPES = ['string', 'number', 'integer', 'boolean', 'date', 'enum', 'list'] as const;
export type FieldType = (typeof FIELD_TYPES)[number];

export const FieldSchema = z
  .strictObject({
    name: z
      .string()
      .regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/, 'a field name is a letter or _ followed by letters, digits or _ (64 at most)'),
    type: z.enum(FIELD_TYPES),
    description: z.string().max(2000).default(''),
    required: z.boolean().default(false),
    /** The allowed values of an `enum` field. */
    values: z.array(z.string().min(1).max(200)).min(1).max(100).optional(),
  })
  .superRefine((field, ctx) => {
    if (field.type === 'enum' && !field.values) {
      ctx.addIssue({ code: 'custom', path: ['values'], message: 'an enum field lists its allowed values' });
    }
    if (field.type !== 'enum' && field.values) {
      ctx.addIssue({ code: 'custom', path: ['values'], message: 'only an enum field takes values' });
    }
  });
export type ExtractionField = z.infer<typeof FieldSchema>;

export const ExtractionSchemaSchema = z
  .strictObject({
    name: z.string().min(1).max(200),
    fields: z.array(FieldSchema).min(1).max(100),
  })
  .superRefine((schema, ctx) => {
    const seen = new Set<string>();
    schema.fields.forEach((field, index) => {
      if (seen.has(field.name)) {
        ctx.addIssue({ code: 'custom', path: ['fields', index, 'name'], message: `duplicate field "${field.name}"` });
      }
      seen.add(field.name);
    });
  });
export type ExtractionSchema = z.infer<typeof ExtractionSchemaSchema>;

/** A field's value as a model or a person gives it: lists are lists of strings. */
export type FieldValue = string | number | boolean | string[] | null;
