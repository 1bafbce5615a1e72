#!/usr/bin/env bash
# Deploys the Supabase side of RugbyCodex (SCALE-8, PROD-2): database migrations, function secrets,
# the Auth and Data API config from config.toml, every edge function, and the Vault secrets the
# database's schedules use to call functions.
#
#   deploy/supabase/deploy.sh all                      # db, secrets, config, functions, schedules (CI)
#   deploy/supabase/deploy.sh db [--db-url URL] [--dry-run] [--include-all]
#   deploy/supabase/deploy.sh functions                # secrets set + functions deploy
#   deploy/supabase/deploy.sh config                   # config push: [auth] (site URL, redirects, SMTP), [api]
#   deploy/supabase/deploy.sh schedules [--db-url URL] # Vault: project URL + secret key for pg_cron's http jobs
#   deploy/supabase/deploy.sh secrets                  # list what must be set, and what is missing
#
# Hosted project: SUPABASE_ACCESS_TOKEN, SUPABASE_PROJECT_REF, SUPABASE_DB_PASSWORD.
# `--db-url` pushes to any Postgres instead (self-hosted, or the embedded database in tests).
# Every check runs before the first change, so a refused deploy changes nothing.
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
supabase=${SUPABASE_CLI:-$repo/node_modules/.bin/supabase}
export SUPABASE_TELEMETRY_DISABLED=1 DO_NOT_TRACK=1

# Secrets the edge functions read (docs/contracts.md; deploy.test.ts checks this against every
# env()/requireEnv()/intEnv() in supabase/functions). AWS_* are read by the AWS SDK's default chain.
required_function_secrets=(
  PLAYBACK_TOKEN_SECRET
  S3_ENDPOINT S3_REGION S3_BUCKET S3_ACCESS_KEY_ID S3_SECRET_ACCESS_KEY S3_FORCE_PATH_STYLE
  SQS_QUEUE_URL AWS_REGION AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY
)
# Without these the functions silently use the offline stand-ins (supabase/functions/_shared/
# providers/index.ts picks by key), so production needs them unless AI_PROVIDER / MAIL_PROVIDER
# say `offline` on purpose.
ai_secrets=(OPENAI_API_KEY ELEVENLABS_API_KEY)
mail_secrets=(MAILGUN_API_KEY MAILGUN_DOMAIN)
optional_function_secrets=(
  ELEVENLABS_VOICE_ID EMBEDDING_DIMENSIONS MAIL_FROM
  DATABASE_READ_URL REDIS_URL UPSTASH_REDIS_REST_URL UPSTASH_REDIS_REST_TOKEN AXIOM_TOKEN AXIOM_DATASET
  DB_STATEMENT_TIMEOUT_MS DB_READ_YOUR_WRITES_MS DB_POOL_MAX CACHE_DISABLED CACHE_TIMEOUT_MS
  RATE_LIMIT_USER_PER_MINUTE RATE_LIMIT_IP_PER_MINUTE RATE_LIMIT_ANON_IP_PER_MINUTE LOG_SILENT
  JWT_SECRET SB_JWT_ISSUER
)
# Read by the functions but reserved: the CLI skips every secret whose name starts with SUPABASE_.
# Supabase injects the URL, keys and JWKS; SUPABASE_JWT_ISSUER / SUPABASE_JWT_SECRET are local
# overrides only: in production the issuer is ${SUPABASE_URL}/auth/v1 (SB_JWT_ISSUER overrides it)
# and a project still signing with the legacy HS256 secret sets JWT_SECRET.
reserved_function_env=(
  SUPABASE_URL SUPABASE_DB_URL SUPABASE_PUBLISHABLE_KEYS SUPABASE_SECRET_KEYS SUPABASE_JWKS
  SUPABASE_ANON_KEY SUPABASE_SERVICE_ROLE_KEY
  SUPABASE_JWT_ISSUER SUPABASE_JWT_SECRET
)

die() { echo "deploy.sh: $*" >&2; exit 2; }
note() { echo "deploy.sh: $*" >&2; }
need_env() {
  local missing=()
  for name in "$@"; do [ -n "${!name:-}" ] || missing+=("$name"); done
  [ ${#missing[@]} -eq 0 ] || die "missing environment: ${missing[*]}"
}
unset_of() {
  local name out=()
  for name in "$@"; do [ -n "${!name:-}" ] || out+=("$name"); done
  echo "${out[*]:-}"
}
set_of() {
  local name out=()
  for name in "$@"; do [ -z "${!name:-}" ] || out+=("$name"); done
  echo "${out[*]:-}"
}

# The functions pick each provider by its key alone, so a missing key is a silent offline fallback.
check_providers() {
  local ai=${AI_PROVIDER:-} mail=${MAIL_PROVIDER:-} missing set_anyway
  case "$ai" in
    '' | openai)
      missing=$(unset_of "${ai_secrets[@]}")
      [ -z "$missing" ] || die "AI providers would fall back to offline (missing: $missing). Set them, or AI_PROVIDER=offline to deploy the offline providers on purpose."
      ;;
    offline)
      set_anyway=$(set_of "${ai_secrets[@]}")
      [ -z "$set_anyway" ] || die "AI_PROVIDER=offline, but $set_anyway is set and the functions would use it: unset it, or drop AI_PROVIDER=offline."
      note "AI_PROVIDER=offline: transcription, embeddings, summaries and speech use the offline providers."
      ;;
    *) die "AI_PROVIDER must be openai or offline (got $ai)" ;;
  esac
  case "$mail" in
    '' | mailgun)
      missing=$(unset_of "${mail_secrets[@]}")
      [ -z "$missing" ] || die "mail would fall back to offline (missing: $missing). Set them, or MAIL_PROVIDER=offline to deploy without sending mail on purpose."
      ;;
    offline)
      set_anyway=$(set_of "${mail_secrets[@]}")
      [ -z "$set_anyway" ] || die "MAIL_PROVIDER=offline, but $set_anyway is set: unset it, or drop MAIL_PROVIDER=offline."
      note "MAIL_PROVIDER=offline: the functions send no mail."
      ;;
    *) die "MAIL_PROVIDER must be mailgun or offline (got $mail)" ;;
  esac
  # The narrations.embedding column has a fixed size; any other size fails every insert.
  local column
  column=$(grep -rhoE 'embedding extensions\.halfvec\(([0-9]+)\)' "$repo/supabase/migrations" | tail -1 | grep -oE '[0-9]+' || true)
  if [ -n "${EMBEDDING_DIMENSIONS:-}" ] && [ -n "$column" ] && [ "$EMBEDDING_DIMENSIONS" != "$column" ]; then
    die "EMBEDDING_DIMENSIONS=$EMBEDDING_DIMENSIONS, but narrations.embedding holds $column dimensions"
  fi
}

check_functions() {
  need_env SUPABASE_ACCESS_TOKEN SUPABASE_PROJECT_REF
  need_env "${required_function_secrets[@]}"
  check_providers
  local name
  for name in "${reserved_function_env[@]}"; do
    [ -z "${!name:-}" ] || note "$name is not sent: names starting SUPABASE_ are reserved (Supabase injects its own)."
  done
}

# Every env(NAME) that config.toml reads must be set, or `config push` would send the literal text.
config_env_names() {
  grep -oE '"env\([A-Z_][A-Z0-9_]*\)"' "$repo/supabase/config.toml" | sed -E 's/"env\((.*)\)"/\1/' | sort -u
}
check_config() {
  need_env SUPABASE_ACCESS_TOKEN SUPABASE_PROJECT_REF
  # One redirect entry: every path of the site (password reset, sign-up confirmation).
  if [ -n "${AUTH_SITE_URL:-}" ] && [ -z "${AUTH_REDIRECT_URL:-}" ]; then
    export AUTH_REDIRECT_URL="${AUTH_SITE_URL%/}/**"
  fi
  local names
  mapfile -t names < <(config_env_names)
  need_env "${names[@]}"
  case "$AUTH_SITE_URL" in https://*) ;; *) die "AUTH_SITE_URL must be the https:// origin of the SPA (got $AUTH_SITE_URL)" ;; esac
}

schedule_project_url() {
  local url=${SUPABASE_URL:-}
  [ -n "$url" ] || url="https://${SUPABASE_PROJECT_REF:?}.supabase.co"
  echo "${url%/}"
}
check_schedules() {
  local db_url=$1
  if [ -z "$db_url" ]; then need_env SUPABASE_ACCESS_TOKEN SUPABASE_PROJECT_REF; fi
  [ -n "${SUPABASE_URL:-}${SUPABASE_PROJECT_REF:-}" ] || die "missing environment: SUPABASE_URL (or SUPABASE_PROJECT_REF)"
  need_env SCHEDULE_SECRET_KEY
  # The values go into a SQL literal: only characters that need no quoting get there.
  [[ $(schedule_project_url) =~ ^https://[A-Za-z0-9.-]+(:[0-9]+)?$ ]] || die "SUPABASE_URL must be https://<host> (got $(schedule_project_url))"
  [[ $SCHEDULE_SECRET_KEY =~ ^[A-Za-z0-9._-]+$ ]] || die "SCHEDULE_SECRET_KEY has characters a key never has"
}

list_secrets() {
  local missing=0 name
  echo "required function secrets:"
  for name in "${required_function_secrets[@]}"; do
    if [ -n "${!name:-}" ]; then echo "  $name (set)"; else echo "  $name (MISSING)"; missing=1; fi
  done
  echo "provider secrets (required unless AI_PROVIDER=offline / MAIL_PROVIDER=offline):"
  for name in "${ai_secrets[@]}" "${mail_secrets[@]}"; do
    if [ -n "${!name:-}" ]; then echo "  $name (set)"; else echo "  $name (MISSING)"; missing=1; fi
  done
  echo "optional function secrets:"
  for name in "${optional_function_secrets[@]}"; do
    if [ -n "${!name:-}" ]; then echo "  $name (set)"; else echo "  $name (unset)"; fi
  done
  echo "read by the functions, reserved (the CLI skips SUPABASE_* names):"
  for name in "${reserved_function_env[@]}"; do
    case "$name" in
      SUPABASE_JWT_ISSUER) echo "  $name (local only; production derives \${SUPABASE_URL}/auth/v1, override: SB_JWT_ISSUER)" ;;
      SUPABASE_JWT_SECRET) echo "  $name (local only; a project on the legacy HS256 secret sets JWT_SECRET)" ;;
      *) echo "  $name (injected by Supabase)" ;;
    esac
  done
  echo "config push (config.toml env()):"
  for name in $(config_env_names); do
    if [ -n "${!name:-}" ]; then echo "  $name (set)"; else echo "  $name (MISSING)"; missing=1; fi
  done
  echo "schedules (Vault): SCHEDULE_SECRET_KEY ($([ -n "${SCHEDULE_SECRET_KEY:-}" ] && echo set || echo MISSING)), SUPABASE_URL or the project ref"
  echo "deploy credentials: SUPABASE_ACCESS_TOKEN SUPABASE_PROJECT_REF SUPABASE_DB_PASSWORD"
  return $missing
}

parse_db_args() {
  db_url='' push_flags=()
  while [ $# -gt 0 ]; do
    case "$1" in
      --db-url) db_url=${2:?--db-url needs a value}; shift 2 ;;
      --dry-run) push_flags+=(--dry-run); shift ;;
      --include-all) push_flags+=(--include-all); shift ;;
      *) die "unknown option $1" ;;
    esac
  done
}

deploy_db() {
  if [ -n "$db_url" ]; then
    "$supabase" db push --workdir "$repo" --db-url "$db_url" --yes "${push_flags[@]}"
  else
    need_env SUPABASE_ACCESS_TOKEN SUPABASE_PROJECT_REF SUPABASE_DB_PASSWORD
    "$supabase" link --workdir "$repo" --project-ref "$SUPABASE_PROJECT_REF" --password "$SUPABASE_DB_PASSWORD"
    "$supabase" db push --workdir "$repo" --linked --password "$SUPABASE_DB_PASSWORD" --yes "${push_flags[@]}"
  fi
}

set_function_secrets() {
  local env_file name
  env_file=$(mktemp)
  trap 'rm -f "$env_file"' RETURN
  chmod 600 "$env_file"
  for name in "${required_function_secrets[@]}" "${ai_secrets[@]}" "${mail_secrets[@]}" "${optional_function_secrets[@]}"; do
    if [ -n "${!name:-}" ]; then printf '%s=%s\n' "$name" "${!name}" >>"$env_file"; fi
  done
  "$supabase" secrets set --workdir "$repo" --project-ref "$SUPABASE_PROJECT_REF" --env-file "$env_file"
}

deploy_functions() {
  # --use-api bundles on Supabase's side, so CI needs no Docker daemon.
  "$supabase" functions deploy --workdir "$repo" --project-ref "$SUPABASE_PROJECT_REF" --use-api --jobs 4
}

# [auth] (site URL, redirect URLs, SMTP) and [api] (no schema exposed) from config.toml.
deploy_config() {
  "$supabase" config push --workdir "$repo" --project-ref "$SUPABASE_PROJECT_REF" --yes
}

# The schedules' http jobs read these from Vault when they run (private.run_http_schedule).
deploy_schedules() {
  local db_url=$1 sql_file
  sql_file=$(mktemp)
  trap 'rm -f "$sql_file"' RETURN
  chmod 600 "$sql_file"
  printf "select private.set_schedule_secrets('%s', '%s');\n" "$(schedule_project_url)" "$SCHEDULE_SECRET_KEY" >"$sql_file"
  if [ -n "$db_url" ]; then
    "$supabase" db query --workdir "$repo" --db-url "$db_url" --file "$sql_file" >/dev/null
  else
    "$supabase" db query --workdir "$repo" --linked --project-ref "$SUPABASE_PROJECT_REF" --file "$sql_file" >/dev/null
  fi
}

command=${1:-}
[ $# -gt 0 ] && shift
case "$command" in
  db)
    parse_db_args "$@"
    deploy_db
    ;;
  functions)
    check_functions
    set_function_secrets
    deploy_functions
    ;;
  config)
    check_config
    deploy_config
    ;;
  schedules)
    parse_db_args "$@"
    check_schedules "$db_url"
    deploy_schedules "$db_url"
    ;;
  secrets) list_secrets ;;
  all)
    parse_db_args "$@"
    [ -z "$db_url" ] || die "all deploys a hosted project; use db --db-url for another database"
    need_env SUPABASE_ACCESS_TOKEN SUPABASE_PROJECT_REF SUPABASE_DB_PASSWORD
    check_functions
    check_config
    check_schedules ''
    # Auth URLs and the closed Data API are in place before the new functions serve.
    deploy_db
    set_function_secrets
    deploy_config
    deploy_functions
    deploy_schedules ''
    ;;
  *) die "usage: deploy.sh all|db|functions|config|schedules|secrets [--db-url URL] [--dry-run] [--include-all]" ;;
esac
