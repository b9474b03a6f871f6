import { createHash } from 'node:crypto';
import { z } from 'zod';
import { ModelConfigSchema, type ModelConfig } from '../contract/model-config.ts';
import type { Pool, PoolClient } from './pool.ts';
import { parseFirst, parseRows, timestamp } from './rows.ts';

const ConfigurationRowSchema = z.object({ id: z.string(), name: z.string().nullable(), config: ModelConfigSchema, created_at: timestamp });
export type ConfigurationRow = z.infer<typeof ConfigurationRowSchema>;
const IdRowSchema = z.object({ id: z.string() });

/** A stable digest of a configuration's body: keys sorted, so the same settings give the same print. */
export function fingerprintOf(config: ModelConfig): string {
  const canonical = (value: unknown): unknown =>
    Array.isArray(value)
      ? value.map(canonical)
      : value && typeof value === 'object'
        ? Object.fromEntries(Object.entries(value).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => [k, canonical(v)]))
        : value;
  return createHash('sha256').update(JSON.stringify(canonical(config))).digest('hex');
}

export async function insertConfiguration(client: Pool | PoolClient, name: string, config: ModelConfig): Promise<string> {
  const result = await client.query('INSERT INTO configurations (name, fingerprint, config) VALUES ($1, $2, $3) RETURNING id', [
    name,
    fingerprintOf(config),
    JSON.stringify(config),
  ]);
  return parseFirst(IdRowSchema, result.rows, 'insertConfiguration')!.id;
}

/**
 * The id of the anonymous configuration with this body, created on first use, so that runs with
 * the same unsaved settings are compared together in analytics.
 */
export async function anonymousConfigurationId(client: Pool | PoolClient, config: ModelConfig): Promise<string> {
  const result = await client.query(
    `INSERT INTO configurations (name, fingerprint, config) VALUES (NULL, $1, $2)
     ON CONFLICT (fingerprint) WHERE name IS NULL DO UPDATE SET fingerprint = EXCLUDED.fingerprint
     RETURNING id`,
    [fingerprintOf(config), JSON.stringify(config)],
  );
  return parseFirst(IdRowSchema, result.rows, 'anonymousConfigurationId')!.id;
}

export async function getConfiguration(client: Pool | PoolClient, id: string): Promise<ConfigurationRow | undefined> {
  const result = await client.query('SELECT id, name, config, created_at FROM configurations WHERE id = $1', [id]);
  return parseFirst(ConfigurationRowSchema, result.rows, 'getConfiguration');
}

export async function listConfigurations(pool: Pool, limit = 200): Promise<ConfigurationRow[]> {
  const result = await pool.query(
    'SELECT id, name, config, created_at FROM configurations WHERE name IS NOT NULL ORDER BY created_at DESC, id DESC LIMIT $1',
    [limit],
  );
  return parseRows(ConfigurationRowSchema, result.rows, 'listConfigurations');
}
