#!/usr/bin/env bash
# Deploys the Supabase side of RugbyCodex (SCALE-8): database migrations with `supabase db push`
# and every edge function with `supabase functions deploy`, after setting the function secrets.
#
#   deploy/supabase/deploy.sh all                      # db, then secrets + functions (CI)
#   deploy/supabase/deploy.sh db [--db-url URL] [--dry-run] [--include-all]
#   deploy/supabase/deploy.sh functions
#   deploy/supabase/deploy.sh secrets                  # list what must be set, and what is missing
#
# Hosted project: SUPABASE_ACCESS_TOKEN, SUPABASE_PROJECT_REF, SUPABASE_DB_PASSWORD.
# `--db-url` pushes to any Postgres instead (self-hosted, or the embedded database in tests).
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
supabase=${SUPABASE_CLI:-$repo/node_modules/.bin/supabase}
export SUPABASE_TELEMETRY_DISABLED=1 DO_NOT_TRACK=1

# Secrets the edge functions read (docs/contracts.md). SUPABASE_URL, SUPABASE_ANON_KEY,
# SUPABASE_SERVICE_ROLE_KEY and SUPABASE_DB_URL are injected by Supabase itself.
required_function_secrets=(
  PLAYBACK_TOKEN_SECRET
  S3_ENDPOINT S3_REGION S3_BUCKET S3_ACCESS_KEY_ID S3_SECRET_ACCESS_KEY S3_FORCE_PATH_STYLE
  SQS_QUEUE_URL AWS_REGION AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY
)
optional_function_secrets=(
  DATABASE_READ_URL UPSTASH_REDIS_REST_URL UPSTASH_REDIS_REST_TOKEN AXIOM_TOKEN AXIOM_DATASET
  SENTRY_DSN SUPABASE_JWT_ISSUER
)

die() { echo "deploy.sh: $*" >&2; exit 2; }
need_env() {
  local missing=()
  for name in "$@"; do [ -n "${!name:-}" ] || missing+=("$name"); done
  [ ${#missing[@]} -eq 0 ] || die "missing environment: ${missing[*]}"
}

list_secrets() {
  local missing=0
  echo "required function secrets:"
  for name in "${required_function_secrets[@]}"; do
    if [ -n "${!name:-}" ]; then echo "  $name (set)"; else echo "  $name (MISSING)"; missing=1; fi
  done
  echo "optional function secrets:"
  for name in "${optional_function_secrets[@]}"; do
    if [ -n "${!name:-}" ]; then echo "  $name (set)"; else echo "  $name (unset)"; fi
  done
  echo "deploy credentials: SUPABASE_ACCESS_TOKEN SUPABASE_PROJECT_REF SUPABASE_DB_PASSWORD"
  return $missing
}

deploy_db() {
  local db_url='' push_flags=()
  while [ $# -gt 0 ]; do
    case "$1" in
      --db-url) db_url=${2:?--db-url needs a value}; shift 2 ;;
      --dry-run) push_flags+=(--dry-run); shift ;;
      --include-all) push_flags+=(--include-all); shift ;;
      *) die "unknown db option $1" ;;
    esac
  done
  if [ -n "$db_url" ]; then
    "$supabase" db push --workdir "$repo" --db-url "$db_url" --yes "${push_flags[@]}"
  else
    need_env SUPABASE_ACCESS_TOKEN SUPABASE_PROJECT_REF SUPABASE_DB_PASSWORD
    "$supabase" link --workdir "$repo" --project-ref "$SUPABASE_PROJECT_REF" --password "$SUPABASE_DB_PASSWORD"
    "$supabase" db push --workdir "$repo" --linked --password "$SUPABASE_DB_PASSWORD" --yes "${push_flags[@]}"
  fi
}

deploy_functions() {
  need_env SUPABASE_ACCESS_TOKEN SUPABASE_PROJECT_REF
  need_env "${required_function_secrets[@]}"
  local env_file
  env_file=$(mktemp)
  trap 'rm -f "$env_file"' RETURN
  chmod 600 "$env_file"
  for name in "${required_function_secrets[@]}" "${optional_function_secrets[@]}"; do
    [ -n "${!name:-}" ] && printf '%s=%s\n' "$name" "${!name}" >>"$env_file"
  done
  "$supabase" secrets set --workdir "$repo" --project-ref "$SUPABASE_PROJECT_REF" --env-file "$env_file"
  # --use-api bundles on Supabase's side, so CI needs no Docker daemon.
  "$supabase" functions deploy --workdir "$repo" --project-ref "$SUPABASE_PROJECT_REF" --use-api --jobs 4
}

command=${1:-}
[ $# -gt 0 ] && shift
case "$command" in
  db) deploy_db "$@" ;;
  functions) deploy_functions ;;
  secrets) list_secrets ;;
  all)
    deploy_db "$@"
    deploy_functions
    ;;
  *) die "usage: deploy.sh all|db|functions|secrets [--db-url URL] [--dry-run] [--include-all]" ;;
esac
