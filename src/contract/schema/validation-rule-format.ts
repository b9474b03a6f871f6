import { z } from 'zod';

/**
 * The declarative rules a schema can carry, checked against extracted data after extraction. Paths
 * are JSON Pointers into the data in which a `*` segment stands for every index of an array (or every
 * key of a map). Wildcards are bound row by row: in
 * `{type: "product", of: ["/line_items/*\/quantity", "/line_items/*\/unit_price"], equals: "/line_items/*\/amount"}`
 * each line item is checked on its own; in `{type: "sum", of: "/line_items/*\/amount", equals: "/subtotal"}`
 * the wildcard does not occur in `equals`, so the amounts of all rows are added up.
 *
 * - `sum`: the values of `of` (all rows of each pointer) add up to `equals`;
 *   `{type: "sum", of: ["/subtotal", "/tax"], equals: "/total"}` is subtotal + tax = total;
 * - `product`: the factors in `of` multiply to `equals`;
 * - `date_order`: `earlier` is on or before `later` (strictly before with `allow_equal: false`).
 * `tolerance` is the largest absolute difference accepted for rounding (default 0.01).
 */

const WILDCARD_POINTER = /^(\/([^/~]|~[01])*)+$/;

export const RulePointerSchema = z
  .string()
  .max(500)
  .regex(WILDCARD_POINTER, 'a JSON Pointer such as "/line_items/*/amount" ("~0" for "~", "~1" for "/")');

const tolerance = z.number().min(0).max(1e12).optional();
const message = z.string().max(500).optional();

export const SumRuleSchema = z.strictObject({
  type: z.literal('sum'),
  of: z.union([RulePointerSchema, z.array(RulePointerSchema).min(1).max(20)]),
  equals: RulePointerSchema,
  tolerance,
  message,
});

export const ProductRuleSchema = z.strictObject({
  type: z.literal('product'),
  of: z.array(RulePointerSchema).min(2).max(10),
  equals: RulePointerSchema,
  tolerance,
  message,
});

export const DateOrderRuleSchema = z.strictObject({
  type: z.literal('date_order'),
  earlier: RulePointerSchema,
  later: RulePointerSchema,
  allow_equal: z.boolean().default(true),
  message,
});

export const ValidationRuleSchema = z.discriminatedUnion('type', [SumRuleSchema, ProductRuleSchema, DateOrderRuleSchema]);
export const ValidationRulesSchema = z.array(ValidationRuleSchema).max(100);

export type SumRule = z.infer<typeof SumRuleSchema>;
export type ProductRule = z.infer<typeof ProductRuleSchema>;
export type DateOrderRule = z.infer<typeof DateOrderRuleSchema>;
export type ValidationRule = z.infer<typeof ValidationRuleSchema>;

/** Every pointer a rule reads, in the order its fields name them. */
export function rulePointers(rule: ValidationRule): string[] {
  switch (rule.type) {
    case 'sum':
      return [...(Array.isArray(rule.of) ? rule.of : [rule.of]), rule.equals];
    case 'product':
      return [...rule.of, rule.equals];
    case 'date_order':
      return [rule.earlier, rule.later];
  }
}
