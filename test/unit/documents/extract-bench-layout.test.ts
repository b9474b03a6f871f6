import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { NoTextError } from '../../../src/documents/document-errors.ts';
import { openPdf } from '../../../src/documents/pdf/open-pdf.ts';
import { imageCoverage } from '../../../src/documents/pdf/pdf-page-image.ts';
import { readDocument } from '../../../src/documents/read-document.ts';
import { extractBenchPdf } from '../../support/extract-bench.ts';

/** The PDFs of ExtractBench (MIT, Contextual AI), read where they are. */
async function pages(relative: string) {
  return (await readDocument(readFileSync(extractBenchPdf(relative)), { ocr: false })).pages;
}

const linesOf = (text: string) => text.split('\n').map((line) => line.trim());

// Generous limits: these read real PDFs of up to a hundred pages on a shared two-core machine.
describe('layout of the ExtractBench PDFs', { timeout: 120_000 }, () => {
  it('reads a two-column paper column by column', async () => {
    const page = (await pages('academic/research/pdf+gold/[fan24] rag survey.pdf'))[1]!;
    const lines = linesOf(page.text);
    // The last line of the left column comes before the first line of the right one, each whole.
    const leftEnd = lines.indexOf('[92] introduces a scientific QA system based on retrieving scientific');
    const rightStart = lines.indexOf('literature dynamically. MolReGPT leverages RAG to enhance the');
    expect(leftEnd).toBeGreaterThan(0);
    expect(rightStart).toBeGreaterThan(leftEnd);
    // Lines of one column follow each other, not the line beside them in the other column.
    const recent = lines.indexOf('Recent years have witnessed the rapid development of pre-trained');
    expect(lines[recent + 1]).toBe('foundation models, particularly Large Language Models (LLMs),');
  });

  it('keeps the rows of a financial statement on their lines', async () => {
    const page = (await pages('finance/10kq/pdf+gold/adp_10q_fy2025q2.pdf'))[2]!;
    const row = page.text.split('\n').find((line) => line.startsWith('TOTAL REVENUES'));
    expect(row).toMatch(/^TOTAL REVENUES {3,}5,048\.4 {3,}4,668\.0 {3,}9,881\.1 {3,}9,180\.3$/);
  });

  it('keeps a results table row whole, rank first', async () => {
    const page = (await pages('sport/swimming/pdf+gold/ma_2023_sw_M-table1.pdf'))[0]!;
    const row = page.text.split('\n').find((line) => line.includes('Fusao TAKAHASHI'));
    expect(row).toMatch(/^1 {3,}1\/4 {3,}Fusao TAKAHASHI {3,}JPN {3,}1933 {3,}JUMP$/);
  });

  it('keeps a table above two columns as rows, then reads the columns', async () => {
    const page = (await pages('academic/research/pdf+gold/[li25] vlm survey.pdf'))[2]!;
    const lines = linesOf(page.text);
    expect(lines).toContainEqual(expect.stringMatching(/^GPT-4V \[246\] {3,}2023 {3,}Decoder-only {3,}Undisclosed {3,}Undisclosed {3,}Undisclosed {3,}Undisclosed$/));
    const table = lines.findIndex((line) => line.startsWith('LLaMA 4 [6]'));
    const column = lines.findIndex((line) => line.startsWith('ing convolutional neural networks (CNN) [183] or vision'));
    expect(column).toBeGreaterThan(table);
    expect(lines[column + 1]).toBe('transformers (ViTs) [51]. The text encoder processes tex-');
  });

  it('finds no text layer in the scanned résumés and papers, and sees their pages as images', async () => {
    await expect(pages('hiring/resume/pdf+gold/Resume-IT.pdf')).rejects.toThrow(NoTextError);
    const pdf = await openPdf(readFileSync(extractBenchPdf('academic/research/pdf+gold/NIPS-1989-handwritten-digit-recognition-with-a-back-propagation-network-Paper.pdf')));
    try {
      expect(await imageCoverage(await pdf.getPage(1))).toBeGreaterThan(0.5);
    } finally {
      await pdf.destroy();
    }
  });

  it('reads every ExtractBench PDF with a text layer into non-empty pages', async () => {
    for (const relative of ['finance/credit_agreement/pdf+gold/dis_credit-agreement_2022-03-24.pdf', 'academic/research/pdf+gold/shah24--flashattention-3.pdf']) {
      const read = await pages(relative);
      expect(read.length).toBeGreaterThan(10);
      expect(read.filter((page) => page.text.trim().length > 0).length).toBeGreaterThan(read.length * 0.9);
      for (const page of read) for (const word of page.words) expect(word.end).toBeGreaterThan(word.start);
    }
  });
});
