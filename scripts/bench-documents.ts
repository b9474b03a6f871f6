// Measures the document reader on this machine: OCR time per page (and OCR's word recall against
// the text layer, at several resolutions), text-layer layout time per page over ExtractBench, and
// source location over a 500-page document.
// Run: `npx tsx scripts/bench-documents.ts [--quick] [--skip-ocr]` (quick: 300 DPI and one scan only).
// ExtractBench is read in place (EXTRACT_BENCH_DIR, or shared/datasets beside the repository).
import { readFileSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { closeSharedOcrEngines, sharedOcrEngine } from '../src/documents/ocr/ocr-engine.ts';
import { ocrPage } from '../src/documents/ocr/ocr-page.ts';
import { openPdf } from '../src/documents/pdf/open-pdf.ts';
import { renderPdfPage } from '../src/documents/pdf/pdf-page-image.ts';
import { readDocument } from '../src/documents/read-document.ts';
import { SourceIndex } from '../src/documents/source/source-index.ts';
import { extractBenchDir } from '../test/support/extract-bench.ts';

const quick = process.argv.includes('--quick');
const skipOcr = process.argv.includes('--skip-ocr');
const dataset = extractBenchDir();
const say = (line: string) => process.stdout.write(`${line}\n`);
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

say(`machine: ${os.cpus().length} cores, load average ${os.loadavg().map((value) => value.toFixed(1)).join(' ')} at start`);

// 1. OCR: pages with a text layer, rendered and read by OCR, so recall can be measured against the text layer.
const ocrPages = [
  ['academic/research/pdf+gold/[fan24] rag survey.pdf', 2, 'dense two-column paper page'],
  ['finance/10kq/pdf+gold/adp_10q_fy2025q2.pdf', 3, 'financial statement table'],
  ['hiring/resume/pdf+gold/Resume-Academic01.pdf', 1, 'résumé'],
] as const;
const engine = sharedOcrEngine();
if (!skipOcr) {
  // Start the worker and load the language data first, so that the figures below are per page.
  const warmUp = await openPdf(readFileSync(path.join(dataset, ocrPages[2][0])));
  await ocrPage(engine, (await renderPdfPage(await warmUp.getPage(1), 72)).png, 1);
  await warmUp.destroy();
}
for (const dpi of skipOcr ? [] : quick ? [300] : [150, 200, 300]) {
  for (const [file, number, label] of ocrPages) {
    const pdf = await openPdf(readFileSync(path.join(dataset, file)));
    const page = await pdf.getPage(number);
    const textLayer = (await readDocument(readFileSync(path.join(dataset, file)), { ocr: false })).pages[number - 1]!;
    let started = performance.now();
    const rendered = await renderPdfPage(page, dpi);
    const renderMs = performance.now() - started;
    started = performance.now();
    // CPU time (all threads of the process, the OCR worker's included) does not grow with the
    // machine's load the way wall time does.
    const cpu = process.cpuUsage();
    const read = await ocrPage(engine, rendered.png, rendered.scale, dpi);
    const ocrMs = performance.now() - started;
    const ocrCpu = process.cpuUsage(cpu);
    say(`OCR ${dpi} DPI, ${label} (${path.basename(file)} p${number}): render ${seconds(renderMs)}, OCR ${seconds(ocrMs)} (CPU ${seconds((ocrCpu.user + ocrCpu.system) / 1000)}), word recall ${(100 * recall(textLayer.text, read.text)).toFixed(1)} %, mean confidence ${read.confidence}`);
    await pdf.destroy();
  }
}

// 2. Scanned ExtractBench PDFs (no text layer): the whole read, OCR included, per page.
for (const file of skipOcr ? [] : quick ? ['hiring/resume/pdf+gold/Resume-IT.pdf'] : ['hiring/resume/pdf+gold/Resume-IT.pdf', 'hiring/resume/pdf+gold/Resume-Finance.pdf', 'academic/research/pdf+gold/NIPS-1989-handwritten-digit-recognition-with-a-back-propagation-network-Paper.pdf']) {
  const started = performance.now();
  const document = await readDocument(readFileSync(path.join(dataset, file)));
  const elapsed = performance.now() - started;
  const ocr = document.pages.filter((page) => page.ocr).length;
  say(`scanned ${path.basename(file)}: ${document.pages.length} pages (${ocr} by OCR) in ${seconds(elapsed)}, ${seconds(elapsed / document.pages.length)} per page`);
}
await closeSharedOcrEngines();

// 3. Text-layer layout over every ExtractBench PDF.
let pageCount = 0;
let layoutMs = 0;
const pdfs = readdirSync(dataset, { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('.pdf'));
for (const file of pdfs) {
  const started = performance.now();
  const document = await readDocument(readFileSync(path.join(dataset, file)), { ocr: false }).catch(() => undefined);
  layoutMs += performance.now() - started;
  pageCount += document?.pages.length ?? 0;
}
say(`text layer + layout: ${pdfs.length} PDFs, ${pageCount} pages in ${seconds(layoutMs)} (${(layoutMs / pageCount).toFixed(1)} ms per page)`);

// 4. Source location: a 510-page document (a 102-page credit agreement five times over), 300 leaves.
const agreement = (await readDocument(readFileSync(path.join(dataset, 'finance/credit_agreement/pdf+gold/dis_credit-agreement_2022-03-24.pdf')), { ocr: false })).pages;
const big = Array.from({ length: 5 }, (_, copy) => agreement.map((page) => ({ ...page, page: copy * agreement.length + page.page }))).flat();
let started = performance.now();
const index = new SourceIndex(big);
const buildMs = performance.now() - started;
const leaves = sampleLeaves(big, 300);
started = performance.now();
const outcomes: Record<string, Record<string, number>> = {};
for (const { kind, value } of leaves) {
  const match = index.locate(value)!.match;
  outcomes[kind] ??= {};
  outcomes[kind][match] = (outcomes[kind][match] ?? 0) + 1;
}
const locateMs = performance.now() - started;
say(`source location: ${big.length} pages indexed in ${seconds(buildMs)}; ${leaves.length} leaves located in ${seconds(locateMs)} (${(locateMs / leaves.length).toFixed(1)} ms each)`);
for (const [kind, counts] of Object.entries(outcomes)) say(`  ${kind}: ${JSON.stringify(counts)}`);

/**
 * Leaves as extraction would produce them, a quarter of each kind: numbers written in the text
 * (as numbers), four consecutive words, the same with one letter changed, and phrases not in it.
 */
function sampleLeaves(pages: typeof big, count: number): { kind: string; value: unknown }[] {
  const leaves: { kind: string; value: unknown }[] = [];
  for (let index = 0; leaves.length < count; index += 1) {
    const page = pages[(index * 37) % pages.length]!;
    const words = page.text.split(/\s+/).filter((word) => word.length > 0);
    const numbers = page.text.match(/\b\d{1,3}(?:,\d{3})+(?:\.\d+)?\b/g) ?? [];
    const at = words.length > 8 ? (index * 13) % (words.length - 5) : 0;
    const phrase = words.slice(at, at + 4).join(' ');
    switch (index % 4) {
      case 0:
        if (numbers.length > 0) leaves.push({ kind: 'number as written', value: Number(numbers[index % numbers.length]!.replace(/,/g, '')) });
        break;
      case 1:
        if (/[a-z]{4}/i.test(phrase)) leaves.push({ kind: 'phrase as written', value: phrase });
        break;
      case 2:
        if (/[a-z]{5}/i.test(phrase)) leaves.push({ kind: 'phrase with a letter changed', value: phrase.replace(/([a-z]{2})[a-z]/i, '$1x') });
        break;
      default:
        leaves.push({ kind: 'phrase not in the document', value: `Quarterly forecast of widget ${index} shipments` });
    }
  }
  return leaves;
}

/** Share of the text layer's words (letters and digits, case folded) that OCR also read. */
function recall(expected: string, actual: string): number {
  const words = (text: string) => text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  const found = new Map<string, number>();
  for (const word of words(actual)) found.set(word, (found.get(word) ?? 0) + 1);
  const wanted = words(expected);
  let hits = 0;
  for (const word of wanted) {
    const left = found.get(word) ?? 0;
    if (left > 0) {
      hits += 1;
      found.set(word, left - 1);
    }
  }
  return wanted.length === 0 ? 1 : hits / wanted.length;
}
