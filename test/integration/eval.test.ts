import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_EVAL_CONFIGURATION } from '../../src/cli/eval.ts';
import { resolveConfiguration } from '../../src/runs/resolve-configuration.ts';
import { readDataset } from '../../src/eval/dataset.ts';
import { formatReport } from '../../src/eval/eval-report.ts';
import { runEval } from '../../src/eval/run-eval.ts';
import { startTestStack, type TestStack } from '../support/stack.ts';

/**
 * `quarry eval`'s runner over a small folder laid out like ExtractBench — a domain whose documents
 * have line items, a gold JSON beside each, a document without gold and one intake cannot read —
 * through the real pipeline on the simulator.
 */

const schema = {
  type: 'object',
  properties: {
    invoice_number: { type: 'string' },
    total: { type: 'number' },
    line_items: {
      type: 'array',
      items: { type: 'object', properties: { description: { type: 'string' }, amount: { type: 'number' } } },
    },
  },
};

function invoice(n: number) {
  const rows = Array.from({ length: 2 + (n % 2) }, (_, i) => ({ description: `Part ${n}-${i}`, amount: 10 * (i + 1) + n }));
  const gold = { invoice_number: `INV-${n}`, total: rows.reduce((sum, row) => sum + row.amount, 0), line_items: rows };
  const text = [
    `Invoice Number: ${gold.invoice_number}`,
    'Line items',
    'Description | Amount',
    '--- | ---',
    ...rows.map((row) => `${row.description} | ${row.amount.toFixed(2)}`),
    '',
    `Total: ${gold.total.toFixed(2)}`,
  ].join('\n');
  return { text, gold };
}

describe('quarry eval on a dataset folder', () => {
  let stack: TestStack;
  let root: string;
  beforeAll(async () => {
    stack = await startTestStack();
    root = await mkdtemp(path.join(tmpdir(), 'quarry-eval-'));
    const documents = path.join(root, 'finance', 'invoices', 'pdf+gold');
    await mkdir(documents, { recursive: true });
    await writeFile(path.join(root, 'finance', 'invoices', 'invoices-schema.json'), JSON.stringify(schema));
    for (const n of [1, 2, 3]) {
      const { text, gold } = invoice(n);
      await writeFile(path.join(documents, `inv-${n}.txt`), text);
      await writeFile(path.join(documents, `inv-${n}.gold.json`), JSON.stringify(gold));
    }
    await writeFile(path.join(documents, 'no-gold.txt'), 'Invoice Number: INV-9');
    await writeFile(path.join(documents, 'garbage.bin'), Buffer.from([0x00, 0x01, 0x02, 0x03, 0xff, 0xfe]));
    await writeFile(path.join(documents, 'garbage.gold.json'), '{}');
  });
  afterAll(async () => {
    await stack?.stop();
    if (root) await rm(root, { recursive: true, force: true });
  });

  it('scores each completed document per value against its gold, per domain, per path and overall', async () => {
    const dataset = await readDataset(root);
    const { config, configurationId } = await resolveConfiguration({ pool: stack.pool, catalog: stack.catalog }, DEFAULT_EVAL_CONFIGURATION);
    const lines: string[] = [];
    const report = await runEval({ pool: stack.pool, temporal: stack.temporal, settings: stack.settings, simulated: true }, dataset, { config, configurationId, name: 'default' }, {}, (line) => lines.push(line));

    expect(report.domains).toHaveLength(1);
    const [domain] = report.domains;
    expect(domain!.domain).toBe('finance/invoices');
    expect(domain!.notes).toEqual(['no-gold.txt has no no-gold.gold.json']);
    expect(domain!.documents).toBe(4);
    expect(domain!.completed).toBe(3);
    // Intake refuses what it cannot read, as it refuses it in POST /queue.
    expect(domain!.failures).toHaveLength(1);
    expect(domain!.failures[0]!.document).toBe('garbage');
    expect(domain!.failures[0]!.error).toMatch(/^intake: document: /);
    // Every gold value counted once: 2 scalars + 2 values per row.
    expect(domain!.values).toBe(3 * 2 + (3 + 2 + 3) * 2);
    expect(domain!.accuracy).toBeCloseTo(domain!.correct / domain!.values, 4);
    expect(domain!.cost_usd).toBeGreaterThan(0);
    expect(domain!.calls).toBeGreaterThanOrEqual(3 * 4);
    const paths = Object.fromEntries(domain!.paths.map((entry) => [entry.path, entry.values]));
    expect(paths).toEqual({ '/invoice_number': 3, '/total': 3, '/line_items/*/description': 8, '/line_items/*/amount': 8 });
    expect(report.overall).toMatchObject({ documents: 4, completed: 3, failed: 1, values: domain!.values, correct: domain!.correct });

    const table = formatReport(report);
    expect(table.find((line) => line.startsWith('finance/invoices'))).toMatch(/\s4\s+3\s+1\s+22\s+\d+\.\d %/);
    expect(table.some((line) => line.startsWith('overall'))).toBe(true);
    expect(lines.at(-1)).toBe('3/3 documents finished');
  });
});
