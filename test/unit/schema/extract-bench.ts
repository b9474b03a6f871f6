import { existsSync } from 'node:fs';
import path from 'node:path';

const repositoryRoot = path.resolve(import.meta.dirname, '../../..');

/**
 * ExtractBench (MIT, Contextual AI) lives in the shared folder beside the repository
 * (`../shared/datasets/extract-bench`); a worktree sits deeper, so parents are searched too. Its
 * absence fails the tests that need it, saying where they looked.
 */
export function extractBenchRoot(): string {
  const looked: string[] = [];
  for (let directory = repositoryRoot; ; directory = path.dirname(directory)) {
    const candidate = path.join(directory, 'shared', 'datasets', 'extract-bench', 'dataset');
    looked.push(candidate);
    if (existsSync(candidate)) return candidate;
    if (path.dirname(directory) === directory) break;
  }
  throw new Error(`ExtractBench is missing; looked in ${looked.join(', ')}`);
}
