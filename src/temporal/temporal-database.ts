import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { projectRoot } from './cli-binary.ts';

/** The PostgreSQL login Temporal's servers and temporal-sql-tool use (the compose file's env names). */
export interface TemporalDatabaseLogin {
  host: string;
  port: number;
  user: string;
  password: string;
}

/** Temporal's own two databases: the names compose and the server's config template use. */
export const TEMPORAL_DATABASES = { store: 'temporal', visibility: 'temporal_visibility' } as const;

export const temporalRoleScript = path.join(projectRoot, 'deploy', 'postgres', 'initdb', '10-temporal-role.sh');

/**
 * The SQL of deploy/postgres/initdb/10-temporal-role.sh, which the postgres image runs with psql on
 * its first start, made runnable without psql: the script's only psql feature is `:'name'`, a
 * variable quoted as a literal. One file says what Temporal's role may do, here and under compose.
 */
export function temporalRoleSql(script: string, password: string): string {
  const body = /<<'SQL'\n([\s\S]*?)\nSQL\n/.exec(script)?.[1];
  if (!body) throw new Error(`${temporalRoleScript} has no <<'SQL' … SQL block`);
  return body.replace(/:'temporal_password'/g, pg.escapeLiteral(password));
}

/** A password kept beside the cluster's data, made on first use. */
async function storedPassword(file: string): Promise<string> {
  if (existsSync(file)) return (await readFile(file, 'utf8')).trim();
  await mkdir(path.dirname(file), { recursive: true });
  const password = randomBytes(24).toString('hex');
  await writeFile(file, `${password}\n`, { mode: 0o600 });
  await chmod(file, 0o600);
  return password;
}

/**
 * Gives Temporal its own role on the PostgreSQL server of `databaseUrl`, as compose does, when that
 * URL's user may create roles (the embedded server's may); its password is kept in `passwordFile`
 * and re-applied on every start, so a lost file heals. A user without that right (a managed
 * database) lends Temporal its own login instead, which is said in `log`.
 */
export async function ensureTemporalLogin(
  databaseUrl: string,
  passwordFile: string,
  log: (line: string) => void,
): Promise<TemporalDatabaseLogin> {
  const url = new URL(databaseUrl);
  const server = { host: url.hostname, port: Number(url.port || 5432) };
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const me = await client.query<{ may: boolean }>(
      'SELECT rolsuper OR rolcreaterole AS may FROM pg_roles WHERE rolname = current_user',
    );
    if (!me.rows[0]?.may) {
      log(`${url.username} may not create roles: Temporal uses that login for its databases too.`);
      return { ...server, user: decodeURIComponent(url.username), password: decodeURIComponent(url.password) };
    }
    const password = await storedPassword(passwordFile);
    const exists = await client.query("SELECT 1 FROM pg_roles WHERE rolname = 'temporal'");
    if (exists.rowCount === 0) await client.query(temporalRoleSql(await readFile(temporalRoleScript, 'utf8'), password));
    else await client.query(`ALTER ROLE temporal PASSWORD ${pg.escapeLiteral(password)}`);
    return { ...server, user: 'temporal', password };
  } finally {
    await client.end();
  }
}
