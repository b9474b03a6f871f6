import { z } from 'zod';

/*
 * Rows are parsed where they leave PostgreSQL, like every other edge: each query names the columns
 * it expects with a zod schema and callers get the inferred type, not a cast. `pg` returns `numeric`
 * and `bigint` as strings (to keep their precision) and `timestamptz` as Date; the column types below
 * convert on purpose.
 */

/** A `numeric`, `bigint` or `count(*)` column: a string from pg, read as a number. */
export const numeric = z.union([z.number(), z.string()]).transform((value, ctx) => {
  const number = typeof value === 'number' ? value : Number(value);
  if (!Number.isFinite(number)) {
    ctx.addIssue({ code: 'custom', message: `not a number: ${value}` });
    return z.NEVER;
  }
  return number;
});
export const nullableNumeric = numeric.nullable();

export const timestamp = z.date();

/** A row of `query` did not have the columns its schema names: a bug or a missing migration, never a client's mistake. */
export class UnexpectedRowError extends Error {
  override name = 'UnexpectedRowError';
}

/** Parses every row of a result with `schema`, naming the query when one does not match. */
export function parseRows<T extends z.ZodType>(schema: T, rows: readonly unknown[], query: string): Array<z.infer<T>> {
  return rows.map((row) => {
    const parsed = schema.safeParse(row);
    if (!parsed.success) {
      const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
      throw new UnexpectedRowError(`${query}: unexpected row (${problems})`);
    }
    return parsed.data;
  });
}

/** The first row of a result, parsed, or undefined when there is none. */
export function parseFirst<T extends z.ZodType>(schema: T, rows: readonly unknown[], query: string): z.infer<T> | undefined {
  return parseRows(schema, rows.slice(0, 1), query)[0];
}
