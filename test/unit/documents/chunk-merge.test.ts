import { describe, expect, it } from 'vitest';
import { mergeChunkResults } from '../../../src/documents/chunks/chunk-merge.ts';

describe('mergeChunkResults', () => {
  it('takes the scalar most chunks agree on; chunks that found nothing do not vote', () => {
    const merged = mergeChunkResults([
      { chunk: 0, data: { invoice_number: 'INV-42', total: null }, confidence: { '/invoice_number': 0.7 } },
      { chunk: 1, data: { invoice_number: 'inv-42 ', total: null }, confidence: { '/invoice_number': 0.9 } },
      { chunk: 2, data: { invoice_number: 'INV-24', total: 2031.5 }, confidence: { '/invoice_number': 0.95, '/total': 0.8 } },
    ]);
    expect(merged.data).toEqual({ invoice_number: 'inv-42 ', total: 2031.5 });
    expect(merged.fields['/invoice_number']).toEqual({
      value: 'inv-42 ',
      confidence: 0.9,
      chunk: 1,
      chunks: [0, 1],
      conflicts: [{ value: 'INV-24', chunks: [2], confidence: 0.95 }],
    });
    expect(merged.fields['/total']).toEqual({ value: 2031.5, confidence: 0.8, chunk: 2, chunks: [2] });
  });

  it('breaks a tie by confidence, then by the earlier chunk', () => {
    const byConfidence = mergeChunkResults([
      { chunk: 0, data: { date: '2026-03-04' }, confidence: { '/date': 0.6 } },
      { chunk: 1, data: { date: '2026-04-03' }, confidence: { '/date': 0.8 } },
    ]);
    expect(byConfidence.fields['/date']).toMatchObject({ value: '2026-04-03', chunk: 1 });
    const byOrder = mergeChunkResults([
      { chunk: 0, data: { date: '2026-03-04' } },
      { chunk: 1, data: { date: '2026-04-03' } },
    ]);
    expect(byOrder.fields['/date']).toMatchObject({ value: '2026-03-04', chunk: 0, confidence: null });
  });

  it('concatenates arrays in chunk order, keeping an item seen in two overlapping chunks once', () => {
    const merged = mergeChunkResults([
      {
        chunk: 0,
        data: { line_items: [{ description: 'Consulting', amount: 1500 }, { description: 'Travel', amount: 234.5 }] },
        confidence: { '/line_items/1/amount': 0.7 },
      },
      {
        chunk: 1,
        data: { line_items: [{ description: 'Travel', amount: 234.5 }, { description: 'Licence', amount: 297 }] },
        confidence: { '/line_items/0/amount': 0.9, '/line_items/1/amount': 0.85 },
      },
    ]);
    expect(merged.data).toEqual({
      line_items: [
        { description: 'Consulting', amount: 1500 },
        { description: 'Travel', amount: 234.5 },
        { description: 'Licence', amount: 297 },
      ],
    });
    // Pointers are those of the merged result; confidence follows each value from its chunk's own pointer.
    expect(merged.fields['/line_items/1/amount']).toEqual({ value: 234.5, confidence: 0.9, chunk: 1, chunks: [0, 1] });
    expect(merged.fields['/line_items/2/amount']).toEqual({ value: 297, confidence: 0.85, chunk: 1, chunks: [1] });
    expect(merged.fields['/line_items/0/description']).toMatchObject({ value: 'Consulting', chunk: 0 });
  });

  it('lets a row cut at a page break give way to the whole row from the next chunk', () => {
    const merged = mergeChunkResults([
      { chunk: 0, data: { rows: [{ name: 'Fusao TAKAHASHI', time: null, rank: 1 }] } },
      { chunk: 1, data: { rows: [{ name: 'Fusao TAKAHASHI', time: '44.01', rank: 1 }, { name: 'Jose PENALOZA', time: '59.84', rank: 5 }] } },
    ]);
    expect(merged.data).toEqual({
      rows: [
        { name: 'Fusao TAKAHASHI', time: '44.01', rank: 1 },
        { name: 'Jose PENALOZA', time: '59.84', rank: 5 },
      ],
    });
    expect(merged.fields['/rows/0/name']!.chunks).toEqual([0, 1]);
  });

  it('keeps identical items of one chunk: a document may list the same row twice', () => {
    const row = { description: 'Widget', amount: 10 };
    const merged = mergeChunkResults([
      { chunk: 0, data: { items: [row, row] } },
      { chunk: 1, data: { items: [row] } },
    ]);
    expect(merged.data).toEqual({ items: [row, row] });
  });

  it('de-duplicates arrays of scalars by what they say', () => {
    const merged = mergeChunkResults([
      { chunk: 0, data: { authors: ['Wenqi Fan', 'Yujuan Ding'] } },
      { chunk: 1, data: { authors: ['wenqi  fan', 'Liangbo Ning'] } },
    ]);
    expect(merged.data).toEqual({ authors: ['Wenqi Fan', 'Yujuan Ding', 'Liangbo Ning'] });
    expect(Object.keys(merged.fields)).toEqual(['/authors/0', '/authors/1', '/authors/2']);
  });

  it('merges nested objects key by key and escapes keys in pointers', () => {
    const merged = mergeChunkResults([
      { chunk: 0, data: { party: { name: 'ACME', 'tax/id': null } } },
      { chunk: 1, data: { party: { name: null, 'tax/id': 'DE123' }, signed: true } },
    ]);
    expect(merged.data).toEqual({ party: { name: 'ACME', 'tax/id': 'DE123' }, signed: true });
    expect(Object.keys(merged.fields).sort()).toEqual(['/party/name', '/party/tax~1id', '/signed']);
  });

  it('leaves a value no chunk found null, with no field', () => {
    const merged = mergeChunkResults([
      { chunk: 0, data: { due_date: null } },
      { chunk: 1, data: { due_date: null } },
    ]);
    expect(merged).toEqual({ data: { due_date: null }, fields: {} });
  });
});
