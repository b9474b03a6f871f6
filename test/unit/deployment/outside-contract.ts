import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** What the deployment files must agree with, read from the outside contract's own tables. */
export interface OutsideContract {
  /** Every environment variable of the Environment table. */
  environment: Set<string>;
  /** Every `quarry <command>` of the Commands table (`up`, `api`, `worker`, ...). */
  commands: Set<string>;
  /** The default of `PORT`: where the API and dashboard listen. */
  apiPort: number;
  /** The Temporal UI port the contract names (`UI on :8233`). */
  temporalUiPort: number;
}

export const repositoryRoot = path.resolve(import.meta.dirname, '../../..');

/** The contract lives beside the repository, shared with the other clients it binds. */
export const contractPath = path.resolve(repositoryRoot, '../shared/CONTRACT.md');

export class ContractUnreadableError extends Error {
  override name = 'ContractUnreadableError';
}

/** Reads the contract from `../shared/CONTRACT.md` beside the repository, failing with its path. */
export function readOutsideContract(file: string = contractPath): OutsideContract {
  if (!existsSync(file)) {
    throw new ContractUnreadableError(
      `the outside contract is missing at ${file}: the deployment checks compare docker-compose.yml ` +
        'with its Commands and Environment tables, so they cannot run without it',
    );
  }
  return parseOutsideContract(readFileSync(file, 'utf8'));
}

/** The rows of the first Markdown table under the `## <heading>` section, as arrays of cells. */
function tableRows(markdown: string, heading: string): string[][] {
  const section = markdown.split(/^## /m).find((part) => part.startsWith(heading));
  if (!section) throw new ContractUnreadableError(`the contract has no "## ${heading}" section`);
  return section
    .split('\n')
    .filter((line) => line.trimStart().startsWith('|'))
    .map((line) => line.trim().replace(/^\||\|$/g, '').split('|').map((cell) => cell.trim()))
    // The header row and the `| --- |` separator.
    .slice(2);
}

const backticked = (text: string) => [...text.matchAll(/`([^`]+)`/g)].map((match) => match[1] ?? '');

export function parseOutsideContract(markdown: string): OutsideContract {
  const environmentRows = tableRows(markdown, 'Environment');
  const environment = new Set(environmentRows.flatMap((row) => backticked(row[0] ?? '')));

  const commands = new Set(
    tableRows(markdown, 'Commands').flatMap((row) =>
      [...(row[0] ?? '').matchAll(/quarry ([a-z][a-z-]*)/g)].map((match) => match[1] ?? ''),
    ),
  );

  const portRow = environmentRows.find((row) => backticked(row[0] ?? '').includes('PORT'));
  const apiPort = Number(backticked(portRow?.[2] ?? '')[0]);
  const temporalUiPort = Number(/UI on `:(\d+)`/.exec(markdown)?.[1]);

  if (environment.size === 0 || commands.size === 0 || !Number.isInteger(apiPort) || !Number.isInteger(temporalUiPort)) {
    throw new ContractUnreadableError(
      'could not read the environment variables, commands, API port and Temporal UI port from the contract',
    );
  }
  return { environment, commands, apiPort, temporalUiPort };
}
