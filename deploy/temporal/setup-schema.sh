#!/bin/sh
# Creates or upgrades Temporal's two PostgreSQL databases before the server starts, as Temporal's own
# compose examples do (samples-server/compose/scripts/setup-postgres.sh), but safe to run on every
# start: the databases outlive this one-shot step. docker-compose.yml runs it in the admin-tools
# image; `quarry cluster up` runs this same file with temporal-sql-tool of the same server version
# on PATH and TEMPORAL_SCHEMA_DIR pointing at that version's schema files.
set -eu

: "${POSTGRES_SEEDS:?POSTGRES_SEEDS is required}"
: "${POSTGRES_USER:?POSTGRES_USER is required}"
: "${SQL_PASSWORD:?SQL_PASSWORD is required}"
port="${DB_PORT:-5432}"
# Where the admin-tools image keeps the schema of its server version.
schema_dir="${TEMPORAL_SCHEMA_DIR:-/etc/temporal/schema}"

sql_tool() {
  temporal-sql-tool --plugin postgres12 --ep "$POSTGRES_SEEDS" -p "$port" -u "$POSTGRES_USER" "$@"
}

# No wait loop here: compose starts this step once PostgreSQL is healthy (and restarts it on
# failure), and `quarry cluster up` once PostgreSQL answers.
for database in "${DBNAME:-temporal}:temporal" "${VISIBILITY_DBNAME:-temporal_visibility}:visibility"; do
  name="${database%%:*}"
  schema="${database##*:}"
  # `create` fails when the database already exists (every start after the first). Any other cause
  # of failure also breaks `setup-schema` just below, which is not excused, so nothing is hidden.
  sql_tool --db "$name" create || echo "database $name exists already"
  # Both commands only move the schema forward: setup-schema keeps the recorded version when one
  # exists and update-schema applies the versioned steps that are newer than it.
  sql_tool --db "$name" setup-schema -v 0.0
  sql_tool --db "$name" update-schema -d "$schema_dir/postgresql/v12/$schema/versioned"
done

echo "Temporal schema is current."
