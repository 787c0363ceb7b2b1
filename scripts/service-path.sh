# Sourced by ensure-postgres.sh and ensure-redis.sh; needs SERVICE_DIR (the server's data
# directory) and SERVICE_USER (the account the server runs as when started by root).
#
# Directories above SERVICE_DIR that the service user cannot enter get o+x (enter, not list) for
# as long as the server runs: it opens some files by absolute path later (PostgreSQL's
# checkpointer reads global/pg_control; a server that cannot do that stops). `stop` restores
# their modes, kept in $OPENED. Without root nothing changes.
OPENED="$SERVICE_DIR.opened"
open_path() {
  [ "$(id -u)" -eq 0 ] || return 0
  local dir
  dir="$(dirname "$SERVICE_DIR")"
  while [ "$dir" != "/" ]; do
    if ! runuser -u "$SERVICE_USER" -- test -x "$dir" 2>/dev/null; then
      echo "$(stat -c %a "$dir") $dir" >> "$OPENED"
      chmod o+x "$dir"
    fi
    dir="$(dirname "$dir")"
  done
}
close_path() {
  [ -f "$OPENED" ] || return 0
  local mode dir
  while read -r mode dir; do chmod "$mode" "$dir" 2>/dev/null || true; done < "$OPENED"
  rm -f "$OPENED"
}
with_path_open() {  # run "$@" with the path open (it stays open while the server runs)
  open_path
  "$@"
}
