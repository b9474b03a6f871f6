import { describe, expect, it } from 'vitest';
import { tryParseExtractionSchema } from '../../../src/contract/schema/parse-schema.ts';
import { SCHEMA_TEMPLATES } from '../../../src/dashboard/app/lib/schema-templates.ts';
import { checkSchemaBudget } from '../../../src/pipeline/structured-output/schema-budget.ts';

describe("the dashboard's schema templates", () => {
  it('are the five documents with line items, each accepted as the API accepts it and within the providers’ budget', () => {
    expect(SCHEMA_TEMPLATES.map((template) => template.name)).toEqual(['invoice', 'receipt', 'purchase_order', 'resume', 'contract']);
    for (const template of SCHEMA_TEMPLATES) {
      const parsed = tryParseExtractionSchema(template);
      expect(parsed.ok ? [] : parsed.issues, template.name).toEqual([]);
      if (!parsed.ok) continue;
      expect(checkSchemaBudget(parsed.schema.root), template.name).toEqual([]);
      // Each has a list of rows (line items, jobs, parties...).
      const tables = parsed.schema.root.properties.filter((property) => property.node.kind === 'array' && property.node.items.kind === 'object');
      expect(tables.length, template.name).toBeGreaterThan(0);
    }
  });
});
