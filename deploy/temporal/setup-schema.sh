#!/bin/sh
# Creates or upgrades Temporal's two PostgreSQL databases before the server starts, as Temporal's own
# compose examples do (samples-server/compose/scripts/setup-postgres.sh), but safe to run on every
# `docker compose up`: the databases outlive this one-shot container in the PostgreSQL volume.
set -eu

: "${POSTGRES_SEEDS:?POSTGRES_SEEDS is required}"
: "${POSTGRES_USER:?POSTGRES_USER is required}"
: "${SQL_PASSWORD:?SQL_PASSWORD is required}"
port="${DB_PORT:-5432}"

sql_tool() {
  temporal-sql-tool --plugin postgres12 --ep "$POSTGRES_SEEDS" -p "$port" -u "$POSTGRES_USER" "$@"
}

echo "Waiting for PostgreSQL at $POSTGRES_SEEDS:$port..."
nc -z -w 10 "$POSTGRES_SEEDS" "$port"

for database in "${DBNAME:-temporal}:temporal" "${VISIBILITY_DBNAME:-temporal_visibility}:visibility"; do
  name="${database%%:*}"
  schema="${database##*:}"
  # `create` fails when the database already exists (every start after the first). Any other cause
  # of failure also breaks `setup-schema` just below, which is not excused, so nothing is hidden.
  sql_tool --db "$name" create || echo "database $name exists already"
  # Both commands only move the schema forward: setup-schema keeps the recorded version when one
  # exists and update-schema applies the versioned steps that are newer than it.
  sql_tool --db "$name" setup-schema -v 0.0
  sql_tool --db "$name" update-schema -d "/etc/temporal/schema/postgresql/v12/$schema/versioned"
done

echo "Temporal schema is current."
