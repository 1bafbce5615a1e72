#!/usr/bin/env bash
# Daily backup of a RugbyCodex web node (SCALE-8, plan 1.4): the release tree, the nginx and
# certbot configuration and, when SUPABASE_DB_URL is set, a custom-format database dump.
# Keeps the newest $BACKUP_KEEP (7) of each kind. Run by rugbycodex-backup.timer.
set -euo pipefail
umask 077

backup_dir=${BACKUP_DIR:-/backup}
web_root=${WEB_ROOT:-/var/www/rugbycodex}
keep=${BACKUP_KEEP:-7}
stamp=${BACKUP_STAMP:-$(date -u +%Y%m%dT%H%M%SZ)}
extra_paths=${BACKUP_EXTRA_PATHS:-/etc/nginx /etc/letsencrypt}

[[ "$stamp" =~ ^[0-9A-Za-z]+$ ]] || { echo "bad BACKUP_STAMP $stamp" >&2; exit 2; }
[ -d "$web_root" ] || { echo "web root $web_root does not exist" >&2; exit 2; }
mkdir -p "$backup_dir"

paths=("$web_root")
for p in $extra_paths; do [ -e "$p" ] && paths+=("$p"); done
archive="$backup_dir/rugbycodex-$stamp.tar.gz"
# Write under a temporary name so a crash never leaves a truncated archive that rotation keeps.
tar -czf "$archive.partial" --absolute-names "${paths[@]}"
mv -f "$archive.partial" "$archive"
echo "wrote $archive"

if [ -n "${SUPABASE_DB_URL:-}" ]; then
  dump="$backup_dir/rugbycodex-db-$stamp.dump"
  pg_dump --format=custom --no-owner --no-privileges --file="$dump.partial" "$SUPABASE_DB_URL"
  mv -f "$dump.partial" "$dump"
  echo "wrote $dump"
fi

# Rotation by count, not age: a node that was down for a week still keeps its last good copies.
rotate() {
  local pattern=$1
  find "$backup_dir" -maxdepth 1 -type f -name "$pattern" -printf '%f\n' | sort -r |
    tail -n +"$((keep + 1))" | while IFS= read -r old; do rm -f -- "$backup_dir/$old"; done
}
rotate 'rugbycodex-[0-9]*.tar.gz'
rotate 'rugbycodex-db-*.dump'
