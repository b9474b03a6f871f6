// `npx tsx scripts/schema-report.ts <dataset dir>` prints, for each schema of a folder laid out like
// ExtractBench, what Quarry makes of it: its leaves, its documents and how much of their gold fits
// the schema, and the size of the answers it would ask providers for (OpenAI's budget, Anthropic's
// strictness). A look at a dataset before `quarry eval` runs it; nothing is called.
import { schemaLeaves, valueLeaves } from '../src/contract/schema/leaves.ts';
import { readDataset } from '../src/eval/dataset.ts';
import { anthropicComplexity, anthropicTool } from '../src/pipeline/structured-output/anthropic-strict.ts';
import { openAiStrictSchema } from '../src/pipeline/structured-output/openai-strict.ts';
import { checkSchemaBudget, measureSchema } from '../src/pipeline/structured-output/schema-budget.ts';
import { extractAnswerFormat, reviewAnswerFormat } from '../src/pipeline/structured-output/stage-answers.ts';

const directory = process.argv[2];
if (!directory) {
  process.stderr.write('usage: npx tsx scripts/schema-report.ts <dataset dir>\n');
  process.exit(2);
}

const dataset = await readDataset(directory);
const rows: Array<Record<string, string | number>> = [];
for (const domain of dataset.domains) {
  if (!domain.schema) {
    rows.push({ domain: domain.id, refused: domain.schemaIssues.map((issue) => `${issue.path}: ${issue.message}`).join('; ') });
    continue;
  }
  const root = domain.schema.root;
  const review = measureSchema(openAiStrictSchema(reviewAnswerFormat(root).schema));
  const tool = anthropicTool('extraction', '', extractAnswerFormat(root).schema);
  const goldLeaves = domain.documents.reduce((sum, document) => sum + valueLeaves(root, document.gold).length, 0);
  rows.push({
    domain: domain.id,
    'schema leaves': schemaLeaves(root).length,
    documents: domain.documents.length,
    'gold values': goldLeaves,
    'gold off-schema': domain.documents.reduce((sum, document) => sum + document.goldIssues.length, 0),
    'answer properties': review.properties,
    'answer depth': review.depth,
    'enum values': review.enumValues,
    'openai budget': checkSchemaBudget(root).length === 0 ? 'fits' : 'over',
    'anthropic unions': anthropicComplexity(tool.input_schema).unionParameters,
    'anthropic strict': tool.strict ? 'yes' : 'no',
  });
}
console.table(rows);
