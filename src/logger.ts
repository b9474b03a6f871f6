import { pino, type Logger } from 'pino';

/**
 * One JSON logger for every process. Redaction is by path so that a header or a key set anywhere
 * in a logged object never reaches the log, whatever the caller forgot.
 */
export const logger: Logger = pino({
  level: process.env.QUARRY_LOG_LEVEL ?? 'info',
  base: { service: 'quarry' },
  redact: {
    paths: [
      'authorization',
      '*.authorization',
      'headers.authorization',
      'req.headers.authorization',
      'apiKey',
      '*.apiKey',
      'password',
      '*.password',
      'connectionString',
      '*.connectionString',
      'OPENAI_API_KEY',
      'ANTHROPIC_API_KEY',
      'GEMINI_API_KEY',
      'QUARRY_API_TOKEN',
      'DATABASE_URL',
    ],
    censor: '[redacted]',
  },
});

export type { Logger };
