# Install-once-into-a-cache preamble of scripts/ensure-n8n.sh and scripts/ensure-verdaccio.sh
# (sourced, not run). The cache lives outside the clone: WEBHOOK_GATEWAY_CACHE, default
# ~/.cache/n8n-nodes-webhook-gateway.
#
# cache_install_begin NAME: DIR=<cache>/NAME. When a finished install is there (its .installed
#   mark), prints DIR and exits the calling script. Otherwise creates DIR, takes the lock
#   <cache>/NAME.lock (several test files may call at once: one installs, the others wait for it
#   and then find the mark) and changes into DIR for the install.
# cache_install_done: marks DIR as finished, prints it on the last line of stdout.
# Both log through the caller's log().

cache_install_begin() {
  CACHE_ROOT="${WEBHOOK_GATEWAY_CACHE:-$HOME/.cache/n8n-nodes-webhook-gateway}"
  DIR="$CACHE_ROOT/$1"
  MARK="$DIR/.installed"
  if [ -f "$MARK" ]; then
    echo "$DIR"
    exit 0
  fi
  mkdir -p "$DIR"
  if command -v flock >/dev/null 2>&1; then
    exec 9>"$CACHE_ROOT/$1.lock"
    flock 9
    if [ -f "$MARK" ]; then
      echo "$DIR"
      exit 0
    fi
  fi
  cd "$DIR"
}

cache_install_done() {
  touch "$MARK"
  log "done"
  echo "$DIR"
}
