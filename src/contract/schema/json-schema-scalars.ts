import { childPointer } from './json-pointer.ts';
import type { IssueList } from './schema-issues.ts';
import type { EnumValue, SchemaNode } from './schema-node.ts';

/** The scalar keywords of a JSON Schema read into canonical leaves (see `json-schema-form.ts`). */

type Json = Record<string, unknown>;

export function readEnum(schema: Json, path: string, issues: IssueList): SchemaNode | undefined {
  const raw = 'enum' in schema ? schema.enum : [schema.const];
  const where = childPointer(path, 'enum' in schema ? 'enum' : 'const');
  if (!Array.isArray(raw) || raw.length === 0) {
    issues.add(where, 'enum must list at least one value');
    return undefined;
  }
  const nullable = raw.includes(null) || (Array.isArray(schema.type) && schema.type.includes('null'));
  const values = raw.filter((value) => value !== null);
  if (values.some((value) => !['string', 'number', 'boolean'].includes(typeof value))) {
    issues.add(where, 'enum values must be strings, numbers or booleans');
    return undefined;
  }
  if (values.length === 0) {
    issues.add(where, 'an enum of only null carries nothing to extract');
    return undefined;
  }
  return { kind: 'enum', values: values as EnumValue[], nullable };
}

export function readNumber(type: 'number' | 'integer', schema: Json): SchemaNode {
  const node: SchemaNode = { kind: type, nullable: false };
  if (typeof schema.minimum === 'number') node.minimum = schema.minimum;
  if (typeof schema.maximum === 'number') node.maximum = schema.maximum;
  return node;
}

export function readString(schema: Json, path: string, issues: IssueList): SchemaNode | undefined {
  if (schema.format === 'date') return { kind: 'date', nullable: false };
  const node: SchemaNode = { kind: 'string', nullable: false };
  if (typeof schema.format === 'string') node.format = schema.format;
  if (typeof schema.pattern === 'string') {
    try {
      new RegExp(schema.pattern, 'u');
    } catch {
      issues.add(childPointer(path, 'pattern'), 'pattern is not a valid regular expression');
      return undefined;
    }
    node.pattern = schema.pattern;
  }
  return node;
}

