import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The ExtractBench dataset, read in place from the shared datasets folder beside the repository
 * (`../shared/datasets/extract-bench/dataset` from a checkout; a worktree may sit deeper, so every
 * ancestor is tried), or from `EXTRACT_BENCH_DIR`. Its PDFs are never copied into the repository.
 */
export function extractBenchDir(): string {
  const configured = process.env.EXTRACT_BENCH_DIR;
  if (configured) return configured;
  let directory = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = path.join(directory, 'shared', 'datasets', 'extract-bench', 'dataset');
    if (existsSync(candidate)) return candidate;
    const parent = path.dirname(directory);
    if (parent === directory) {
      throw new Error('ExtractBench not found: expected shared/datasets/extract-bench/dataset beside the repository, or set EXTRACT_BENCH_DIR');
    }
    directory = parent;
  }
}

export function extractBenchPdf(relative: string): string {
  return path.join(extractBenchDir(), relative);
}
