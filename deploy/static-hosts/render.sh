#!/usr/bin/env bash
# Writes the static-host configs into a built SPA before uploading it:
#   deploy/static-hosts/render.sh vercel frontend/dist && (cd frontend/dist && npx vercel deploy --prod)
#   deploy/static-hosts/render.sh cloudflare frontend/dist && npx wrangler pages deploy frontend/dist
# Needs RC_SUPABASE_URL, RC_STORAGE_ORIGINS, optional RC_SENTRY_ORIGIN (same as nginx/render.sh).
set -euo pipefail

platform=${1:?usage: render.sh vercel|cloudflare <dist>}
dist=${2:?usage: render.sh vercel|cloudflare <dist>}
here=$(cd "$(dirname "$0")" && pwd)
[ -f "$dist/index.html" ] || { echo "$dist has no index.html: build the SPA first" >&2; exit 2; }

: "${RC_SUPABASE_URL:?RC_SUPABASE_URL is required (e.g. https://<ref>.supabase.co)}"
: "${RC_STORAGE_ORIGINS:?RC_STORAGE_ORIGINS is required (space-separated origins)}"
export RC_SENTRY_ORIGIN=${RC_SENTRY_ORIGIN:-}
RC_SUPABASE_ORIGIN=$(printf '%s' "$RC_SUPABASE_URL" | sed -E 's#^(https?://[^/]+).*#\1#')
case "$RC_SUPABASE_ORIGIN" in
  https://*) RC_SUPABASE_WS_ORIGIN="wss://${RC_SUPABASE_ORIGIN#https://}" ;;
  http://*) RC_SUPABASE_WS_ORIGIN="ws://${RC_SUPABASE_ORIGIN#http://}" ;;
  *) echo "RC_SUPABASE_URL must start with http:// or https://" >&2; exit 2 ;;
esac
export RC_STORAGE_ORIGINS RC_SUPABASE_ORIGIN RC_SUPABASE_WS_ORIGIN
vars='${RC_SUPABASE_ORIGIN} ${RC_SUPABASE_WS_ORIGIN} ${RC_STORAGE_ORIGINS} ${RC_SENTRY_ORIGIN}'

printf 'healthy\n' >"$dist/health.txt"
case "$platform" in
  vercel) envsubst "$vars" <"$here/vercel.json" >"$dist/vercel.json" ;;
  cloudflare)
    envsubst "$vars" <"$here/_headers" >"$dist/_headers"
    cp "$here/_redirects" "$dist/_redirects"
    ;;
  *) echo "unknown platform $platform (vercel|cloudflare)" >&2; exit 2 ;;
esac
echo "wrote $platform config into $dist"
