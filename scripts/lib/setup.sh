# Shared set-up of the README's commands (sourced by scripts/test.sh and scripts/demo.sh).
# apt_install_missing PKG...: installs the Debian packages whose command is missing (redis-server
#   for redis-server, redis-tools for redis-cli, chromium for /usr/bin/chromium).
# npm_install_if_needed: `npm install` (it keeps to package-lock.json) when node_modules is missing
#   or older than the lock. Not `npm ci`: npm 11 writes rollup's per-platform optional packages into
#   the lock only as names, and `npm ci` then refuses the lock as out of sync on a clean clone.

apt_install_missing() {
  local need=() pkg
  for pkg in "$@"; do
    case "$pkg" in
      redis-server) command -v redis-server >/dev/null 2>&1 || need+=(redis-server) ;;
      redis-tools) command -v redis-cli >/dev/null 2>&1 || need+=(redis-tools) ;;
      chromium) [ -x /usr/bin/chromium ] || need+=(chromium) ;;
      *) need+=("$pkg") ;;
    esac
  done
  [ ${#need[@]} -eq 0 ] && return 0
  log "installing ${need[*]} with apt-get"
  local sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need[@]}" >/dev/null
}

npm_install_if_needed() {
  if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    log "installing npm packages"
    npm install --no-audit --no-fund --loglevel=error
  fi
}
