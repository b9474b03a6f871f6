#!/bin/sh
# After the Temporal server is up: creates Quarry's namespace and registers the outside contract's
# search attributes on it, so operators can filter runs in the Temporal UI. `temporalio/server`,
# unlike the deprecated `auto-setup` image, creates neither. Idempotent: it checks before it creates.
set -eu

address="${TEMPORAL_ADDRESS:?TEMPORAL_ADDRESS is required}"
namespace="${TEMPORAL_NAMESPACE:-default}"
retention="${TEMPORAL_NAMESPACE_RETENTION:-30d}"
# Keep in step with SEARCH_ATTRIBUTES in src/temporal/names.ts (the test in
# test/unit/deployment checks that every one of them is named here).
search_attributes="QueueItemId:Keyword ExtractionStatus:Keyword ConfigurationId:Keyword"

attempt=1
until temporal operator cluster health --address "$address" >/dev/null 2>&1; do
  if [ "$attempt" -ge 60 ]; then
    echo "Temporal at $address did not become healthy" >&2
    exit 1
  fi
  attempt=$((attempt + 1))
  sleep 2
done

if temporal operator namespace describe --namespace "$namespace" --address "$address" >/dev/null 2>&1; then
  echo "namespace $namespace exists already"
else
  temporal operator namespace create --namespace "$namespace" --retention "$retention" --address "$address"
fi

# A new namespace reaches every frontend only after its cache refresh, so retry the first look-up.
attempt=1
until existing="$(temporal operator search-attribute list --namespace "$namespace" --address "$address")"; do
  if [ "$attempt" -ge 30 ]; then
    echo "could not list search attributes of $namespace" >&2
    exit 1
  fi
  attempt=$((attempt + 1))
  sleep 2
done

for attribute in $search_attributes; do
  name="${attribute%%:*}"
  type="${attribute##*:}"
  if printf '%s\n' "$existing" | grep -qw "$name"; then
    echo "search attribute $name exists already"
  else
    temporal operator search-attribute create --namespace "$namespace" --name "$name" --type "$type" \
      --address "$address"
  fi
done

echo "Namespace $namespace is ready."
