import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { checkDataShape, type ShapeIssue } from '../contract/schema/data-shape.ts';
import { schemaInputFromExtractBenchFile, tryParseExtractionSchema } from '../contract/schema/parse-schema.ts';
import type { SchemaIssue } from '../contract/schema/schema-issues.ts';
import type { CanonicalSchema } from '../contract/schema/schema-node.ts';

/**
 * A folder laid out like ExtractBench, read for `quarry eval`: each `<name>-schema.json` (at any
 * depth) is one domain; its documents are the files in the `pdf+gold/` folder beside it that have a
 * `<stem>.gold.json` (PDFs in ExtractBench; any other document file works the same way). Nothing is
 * refused silently: a schema Quarry refuses is reported with its issues, a document without gold (or
 * gold without its document) as a warning, and gold that does not fit its schema keeps its problems
 * beside it — ExtractBench's own gold has some (swimming tables 2–5 use an `events` key the published
 * schema does not have, the research papers' citations are strings where the schema asks for
 * objects); `scoreData` leaves such values unscored by default and lists them in `unscored`.
 */

export interface DatasetDocument {
  /** The document's file name without its extension. */
  id: string;
  documentPath: string;
  goldPath: string;
  gold: unknown;
  /** Where the gold does not fit the schema (empty when it fits or the schema was refused). */
  goldIssues: ShapeIssue[];
}

export interface DatasetDomain {
  /** The schema folder relative to the dataset root, e.g. `finance/10kq`. */
  id: string;
  /** The schema's name: the wrapper's `name`, else the file name before `-schema.json`. */
  name: string;
  schemaPath: string;
  /** The schema as the file gives it, for `POST /queue` (`{name, description, schema_definition}`, or `{name, json_schema}`). */
  schemaInput: unknown;
  /** Null when Quarry refuses the schema; `schemaIssues` says why. */
  schema: CanonicalSchema | null;
  schemaIssues: SchemaIssue[];
  documents: DatasetDocument[];
  warnings: string[];
}

export interface Dataset {
  root: string;
  domains: DatasetDomain[];
}

export class DatasetError extends Error {
  override name = 'DatasetError';
}

const SCHEMA_SUFFIX = '-schema.json';
const GOLD_SUFFIX = '.gold.json';
const DOCUMENTS_FOLDER = 'pdf+gold';

async function readJson(file: string): Promise<unknown> {
  const text = await readFile(file, 'utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new DatasetError(`${file} is not valid JSON: ${(error as Error).message}`);
  }
}

async function findSchemaFiles(directory: string): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir(directory, { withFileTypes: true })) {
    const full = path.join(directory, entry.name);
    if (entry.isDirectory() && entry.name !== DOCUMENTS_FOLDER && !entry.name.startsWith('.')) found.push(...(await findSchemaFiles(full)));
    else if (entry.isFile() && entry.name.endsWith(SCHEMA_SUFFIX)) found.push(full);
  }
  return found.sort();
}

/** Reads every domain of the dataset at `root`; throws `DatasetError` when there is no dataset there. */
export async function readDataset(root: string): Promise<Dataset> {
  const resolved = path.resolve(root);
  const info = await stat(resolved).catch(() => undefined);
  if (!info?.isDirectory()) throw new DatasetError(`no dataset folder at ${resolved}`);
  const schemaFiles = await findSchemaFiles(resolved);
  if (schemaFiles.length === 0) throw new DatasetError(`no *${SCHEMA_SUFFIX} file under ${resolved}`);
  const domains: DatasetDomain[] = [];
  for (const schemaPath of schemaFiles) domains.push(await readDomain(resolved, schemaPath));
  return { root: resolved, domains };
}

async function readDomain(root: string, schemaPath: string): Promise<DatasetDomain> {
  const folder = path.dirname(schemaPath);
  const fileName = path.basename(schemaPath, SCHEMA_SUFFIX);
  const input = schemaInputFromExtractBenchFile(fileName, await readJson(schemaPath));
  const parsed = tryParseExtractionSchema(input);
  const schema = parsed.ok ? parsed.schema : null;
  const domain: DatasetDomain = {
    id: path.relative(root, folder).split(path.sep).join('/') || '.',
    name: schema?.name ?? fileName,
    schemaPath,
    schemaInput: input,
    schema,
    schemaIssues: parsed.ok ? [] : parsed.issues,
    documents: [],
    warnings: [],
  };
  const documentsFolder = path.join(folder, DOCUMENTS_FOLDER);
  const entries = await readdir(documentsFolder).catch(() => undefined);
  if (!entries) {
    domain.warnings.push(`no ${DOCUMENTS_FOLDER}/ folder beside ${path.basename(schemaPath)}`);
    return domain;
  }
  const golds = new Set(entries.filter((name) => name.endsWith(GOLD_SUFFIX)));
  const documents = entries.filter((name) => !name.endsWith('.json') && !name.startsWith('.')).sort();
  for (const name of documents) {
    const id = name.slice(0, name.length - path.extname(name).length);
    const goldName = `${id}${GOLD_SUFFIX}`;
    if (!golds.delete(goldName)) {
      domain.warnings.push(`${name} has no ${goldName}`);
      continue;
    }
    const goldPath = path.join(documentsFolder, goldName);
    const gold = await readJson(goldPath);
    const goldIssues = schema ? checkDataShape(schema.root, gold) : [];
    domain.documents.push({ id, documentPath: path.join(documentsFolder, name), goldPath, gold, goldIssues });
  }
  for (const orphan of [...golds].sort()) domain.warnings.push(`${orphan} has no document beside it`);
  return domain;
}
