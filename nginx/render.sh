#!/usr/bin/env bash
# Renders the RugbyCodex nginx config for one environment into an nginx config directory.
#   RC_SERVER_NAME=rugbycodex.com RC_SUPABASE_URL=https://abc.supabase.co \
#   RC_STORAGE_ORIGINS='https://s3.wasabisys.com https://media.rugbycodex.com' \
#   RC_SENTRY_ORIGIN=https://o123.ingest.sentry.io nginx/render.sh /etc/nginx
# Only the RC_* names are substituted, so nginx's own $variables survive.
set -euo pipefail

out=${1:?usage: render.sh <nginx-config-dir>}
here=$(cd "$(dirname "$0")" && pwd)

: "${RC_SERVER_NAME:?RC_SERVER_NAME is required (e.g. rugbycodex.com)}"
: "${RC_SUPABASE_URL:?RC_SUPABASE_URL is required (e.g. https://<ref>.supabase.co)}"
: "${RC_STORAGE_ORIGINS:?RC_STORAGE_ORIGINS is required (space-separated origins)}"
export RC_SENTRY_ORIGIN=${RC_SENTRY_ORIGIN:-}
export RC_WEB_ROOT=${RC_WEB_ROOT:-/var/www/rugbycodex/current}

# The CSP needs origins, not URLs: strip any path, and derive the realtime websocket origin.
RC_SUPABASE_ORIGIN=$(printf '%s' "$RC_SUPABASE_URL" | sed -E 's#^(https?://[^/]+).*#\1#')
case "$RC_SUPABASE_ORIGIN" in
  https://*) RC_SUPABASE_WS_ORIGIN="wss://${RC_SUPABASE_ORIGIN#https://}" ;;
  http://*) RC_SUPABASE_WS_ORIGIN="ws://${RC_SUPABASE_ORIGIN#http://}" ;;
  *) echo "RC_SUPABASE_URL must start with http:// or https://" >&2; exit 2 ;;
esac
export RC_SERVER_NAME RC_STORAGE_ORIGINS RC_SUPABASE_ORIGIN RC_SUPABASE_WS_ORIGIN

vars='${RC_SERVER_NAME} ${RC_WEB_ROOT} ${RC_SUPABASE_ORIGIN} ${RC_SUPABASE_WS_ORIGIN} ${RC_STORAGE_ORIGINS} ${RC_SENTRY_ORIGIN}'
mkdir -p "$out/sites-available" "$out/sites-enabled" "$out/snippets"
cp "$here/nginx.conf" "$out/nginx.conf"
envsubst "$vars" <"$here/snippets/rugbycodex-headers.conf" >"$out/snippets/rugbycodex-headers.conf"
envsubst "$vars" <"$here/sites/rugbycodex.conf" >"$out/sites-available/rugbycodex.conf"
ln -sfn ../sites-available/rugbycodex.conf "$out/sites-enabled/rugbycodex.conf"
# Debian's default site would answer for unknown hosts on port 80 with its welcome page.
rm -f "$out/sites-enabled/default"
echo "rendered nginx config for $RC_SERVER_NAME into $out"
