import { TEMPORAL_DATABASES, type TemporalDatabaseLogin } from './temporal-database.ts';

/**
 * History shards of the cluster: fixed when the cluster's database is first created and never
 * changeable after. Each shard is a unit of ownership that moves between nodes, so a handful per
 * node lets a failed node's load spread; 16 keeps a one-machine cluster light. Production sizes it
 * to its largest expected load (Temporal suggests 512 and up); docker-compose.yml uses this same
 * value, so a database made by one is usable by the other.
 */
export const NUM_HISTORY_SHARDS = 16;

/** The frontend's gRPC port in the server's config template; every node has its own loopback address. */
export const FRONTEND_PORT = 7233;

export interface ServerNodeSettings {
  /** The node's own address: every service of the node binds it and announces it to the others. */
  ip: string;
  database: TemporalDatabaseLogin;
  /** deploy/temporal/dynamicconfig/production-sql.yaml. */
  dynamicConfigFile: string;
  logLevel?: string;
}

/**
 * The environment of one `temporal-server start`. With no config file the server renders its
 * embedded config template (the one the `temporalio/server` image uses) from these variables, the
 * same names docker-compose.yml gives its `temporal` service; a node runs all four services
 * (frontend, history, matching, worker) with the template's default ports on its own address.
 */
export function serverNodeEnvironment(settings: ServerNodeSettings): Record<string, string> {
  return {
    DB: 'postgres12',
    DB_PORT: String(settings.database.port),
    POSTGRES_SEEDS: settings.database.host,
    POSTGRES_USER: settings.database.user,
    POSTGRES_PWD: settings.database.password,
    DBNAME: TEMPORAL_DATABASES.store,
    VISIBILITY_DBNAME: TEMPORAL_DATABASES.visibility,
    BIND_ON_IP: settings.ip,
    NUM_HISTORY_SHARDS: String(NUM_HISTORY_SHARDS),
    DYNAMIC_CONFIG_FILE_PATH: settings.dynamicConfigFile,
    LOG_LEVEL: settings.logLevel ?? 'warn',
  };
}

/** The environment of temporal-sql-tool in deploy/temporal/setup-schema.sh. */
export function schemaToolEnvironment(database: TemporalDatabaseLogin, schemaDir: string): Record<string, string> {
  return {
    POSTGRES_SEEDS: database.host,
    DB_PORT: String(database.port),
    POSTGRES_USER: database.user,
    SQL_PASSWORD: database.password,
    DBNAME: TEMPORAL_DATABASES.store,
    VISIBILITY_DBNAME: TEMPORAL_DATABASES.visibility,
    TEMPORAL_SCHEMA_DIR: schemaDir,
  };
}

export const frontendAddress = (ip: string) => `${ip}:${FRONTEND_PORT}`;
