#!/usr/bin/env bash
# One entry point for operators and CI: deploy/frontend/release.sh deploy --nodes nodes.json
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
exec "$here/../../node_modules/.bin/tsx" "$here/release.ts" "$@"
