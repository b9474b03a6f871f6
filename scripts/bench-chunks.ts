// Measures chunked extraction end to end on the simulator: a 40-page PDF (about 20,000 tokens of
// text) extracted by a simulated model with an 8,000-token window, through the real stack (a
// Temporal dev server, an embedded PostgreSQL and a worker of its own, all thrown away afterwards).
// Run: `QUARRY_LOG_LEVEL=warn npx tsx scripts/bench-chunks.ts [--runs N] [--latency-ms L]` (default 3 runs, 200 ms a call).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { startCommandStack } from '../src/cli/command-stack.ts';
import { anonymousConfigurationId } from '../src/db/configurations.ts';
import { queueDocuments } from '../src/runs/queue-documents.ts';
import { startExtraction } from '../src/runs/start-extraction.ts';
import type { ExtractionProgress } from '../src/workflows/extraction-types.ts';

const argument = (name: string, fallback: number) => {
  const at = process.argv.indexOf(name);
  return at < 0 ? fallback : Number(process.argv[at + 1]);
};
const runs = argument('--runs', 3);
const latencyMs = argument('--latency-ms', 200);
const say = (line: string) => process.stdout.write(`${line}\n`);

const SMALL = {
  id: 'small-window-model',
  provider: 'openai',
  provider_model: 'small-window-model',
  display_name: 'A model with an 8k window',
  context_window: 8000,
  max_output_tokens: 2048,
  temperature: true,
  reasoning: { control: 'none' },
  structured_output: 'json_schema',
  typical_output_tokens_per_field: 20,
  call_timeout_s: 60,
  prices: { input_usd_per_mtok: 0.1, output_usd_per_mtok: 0.4 },
  simulated_profile: { accuracy: 1, latency_factor: 1, output_tokens_per_field: 14 },
};
const values: Record<number, string> = { 1: 'Contract Number: C-7781', 14: 'Party Name: Northwind Traders Ltd', 27: 'Effective Date: 2026-05-01', 39: 'Total Value: $48,250.00', 40: 'Governing Law: Scotland' };
const schema = {
  name: 'contract',
  fields: [
    { name: 'contract_number', type: 'string' },
    { name: 'party_name', type: 'string' },
    { name: 'effective_date', type: 'date' },
    { name: 'total_value', type: 'number' },
    { name: 'governing_law', type: 'string' },
  ],
};

async function contractPdf(): Promise<string> {
  const document = await PDFDocument.create();
  const font = await document.embedFont(StandardFonts.Helvetica);
  for (let n = 1; n <= 40; n += 1) {
    const page = document.addPage([612, 792]);
    const lines = [...(values[n] !== undefined ? [values[n]!] : []), ...Array.from({ length: 30 }, (_, line) => `Clause ${n}.${line + 1} the parties agree to act in good faith and keep records of every delivery`)];
    lines.forEach((text, index) => page.drawText(text, { x: 72, y: 792 - 90 - 20 * index, size: 9, font }));
  }
  return Buffer.from(await document.save()).toString('base64');
}

const scratch = await mkdtemp(path.join(os.tmpdir(), 'quarry-bench-chunks-'));
const modelsFile = path.join(scratch, 'models.json');
await writeFile(modelsFile, JSON.stringify([SMALL]));
const stack = await startCommandStack({
  services: 'throwaway',
  env: { QUARRY_PROVIDERS: 'simulated', QUARRY_MODELS_FILE: modelsFile, QUARRY_SIM_LATENCY_MS: String(latencyMs), QUARRY_LOG_LEVEL: 'warn' },
  say,
});
try {
  const config = {
    temperature: 0,
    orchestrator_model: 'claude-opus-4-7',
    orchestrator_prompt: '',
    stage_models: { classify: ['gemini-3.5-flash'], extract: [SMALL.id], validate: ['claude-sonnet-4-6'] },
  };
  const configurationId = await anonymousConfigurationId(stack.pool, config);
  const pdf = await contractPdf();
  say(`machine: ${os.cpus().length} cores, load average ${os.loadavg()[0]!.toFixed(1)}; simulator latency ${latencyMs} ms a call; ${SMALL.id}: ${SMALL.context_window}-token window`);
  for (let run = 1; run <= runs; run += 1) {
    const [id] = await queueDocuments(stack, [{ document: { content_base64: pdf, mime_type: 'application/pdf' }, schema }], { batch: false });
    const started = performance.now();
    const handle = await startExtraction(stack, id!, config, configurationId);
    const workflow = stack.temporal.workflow.getHandle(handle.workflow_id, handle.run_id);
    await workflow.result();
    const totalMs = performance.now() - started;
    const progress = (await workflow.query('progress')) as ExtractionProgress;
    const extract = progress.stages.find((stage) => stage.stage === 'extract');
    const { rows } = await stack.pool.query('SELECT count(*)::int AS chunks FROM chunk_outputs WHERE queue_item_id = $1', [id]);
    const { rows: item } = await stack.pool.query('SELECT result FROM ai_extraction_queue WHERE id = $1', [id]);
    const right = isDeepStrictEqual(item[0].result.data, { contract_number: 'C-7781', party_name: 'Northwind Traders Ltd', effective_date: '2026-05-01', total_value: 48250, governing_law: 'Scotland' });
    say(
      `run ${run}: ${rows[0].chunks} chunks; read ${progress.document?.pages} pages in ${progress.document?.readMs} ms; extract stage (plan, chunks 4 at a time, merge) ${(extract!.finishedAt! - extract!.startedAt!).toFixed(0)} ms; whole run ${totalMs.toFixed(0)} ms; data ${right ? 'right' : 'WRONG'}`,
    );
  }
} finally {
  await stack.stop();
  await rm(scratch, { recursive: true, force: true });
}
