#!/bin/sh
# Runs once, when the postgres image initialises an empty data volume. Temporal gets its own login
# role that may create its two databases (`temporal`, `temporal_visibility`) and nothing else, so the
# Temporal server never holds the credentials of Quarry's own database.
set -eu

: "${TEMPORAL_DB_PASSWORD:?TEMPORAL_DB_PASSWORD is required}"

psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  -v temporal_password="$TEMPORAL_DB_PASSWORD" <<'SQL'
CREATE ROLE temporal LOGIN CREATEDB PASSWORD :'temporal_password';
SQL
