#!/usr/bin/env bash
# Installs what the VS Code extension's build and tests need, once (idempotent):
#   - Debian packages: chromium (Playwright drives it), ripgrep (code-server's
#     postinstall would download its own), libkrb5-dev (code-server's native modules);
#   - the extension's npm packages into editors/vscode/node_modules (from package-lock.json);
#   - code-server 4.100.3 (the newest that runs on Node 20) and playwright-core into
#     BUILD_DIR/vscode-test/node_modules.
# Usage: install-test-deps.sh [BUILD_DIR]   (default: the repository's build/)
# See shared ENVIRONMENT.md, "VS Code for real, headless", for why each step is as it is.
set -euo pipefail

EXT_DIR=$(cd "$(dirname "$0")/.." && pwd)
ROOT=$(cd "$EXT_DIR/../.." && pwd)
BUILD_DIR=$(realpath -m "${1:-$ROOT/build}")
TEST_DIR=$BUILD_DIR/vscode-test
CODE_SERVER_VERSION=4.100.3
PLAYWRIGHT_VERSION=1.65.1
RIPGREP_CACHE=vscode-ripgrep-cache-1.15.11/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
die() { printf 'install-test-deps.sh: %s\n' "$*" >&2; exit 1; }

# Debian packages that are missing.
missing=()
for p in libkrb5-dev ripgrep chromium; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  say "installing ${missing[*]} (apt)"
  sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || die "need root or sudo to install: ${missing[*]}"
    sudo=(sudo)
  fi
  "${sudo[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
command -v npm >/dev/null || die "npm is needed (Node 20)"

# The extension's own packages, exactly as locked; again only when the lock changed.
if [ ! -f "$EXT_DIR/node_modules/.package-lock.json" ] ||
   [ "$EXT_DIR/package-lock.json" -nt "$EXT_DIR/node_modules/.package-lock.json" ]; then
  say "installing the VS Code extension's npm packages (editors/vscode/node_modules)"
  (cd "$EXT_DIR" && npm ci --no-audit --no-fund --loglevel=error)
fi

# code-server and playwright-core, into the build folder.
installed() {
  local pkg=$TEST_DIR/node_modules/$1/package.json
  [ -f "$pkg" ] && [ "$(node -p "require('$pkg').version")" = "$2" ]
}
if ! installed code-server "$CODE_SERVER_VERSION" || ! installed playwright-core "$PLAYWRIGHT_VERSION"; then
  say "installing code-server $CODE_SERVER_VERSION and playwright-core $PLAYWRIGHT_VERSION into $TEST_DIR (a few minutes)"
  mkdir -p "$TEST_DIR/tmp/$(dirname "$RIPGREP_CACHE")"
  # code-server's postinstall fetches ripgrep from the internet: give it Debian's, where it looks first.
  rg_tmp=$(mktemp -d)
  cp "$(command -v rg)" "$rg_tmp/rg"
  tar -czf "$TEST_DIR/tmp/$RIPGREP_CACHE" -C "$rg_tmp" rg
  rm -rf "$rg_tmp"
  [ -f "$TEST_DIR/package.json" ] || echo '{"name": "tacit-vscode-test", "private": true}' >"$TEST_DIR/package.json"
  log=$TEST_DIR/install.log
  if ! (cd "$TEST_DIR" && TMPDIR=$TEST_DIR/tmp npm_config_yes=true npm_config_unsafe_perm=true \
        npm install --no-audit --no-fund --foreground-scripts \
        "code-server@$CODE_SERVER_VERSION" "playwright-core@$PLAYWRIGHT_VERSION") >"$log" 2>&1; then
    tail -n 60 "$log"
    die "npm install of code-server failed (full log: $log)"
  fi
fi
"$TEST_DIR/node_modules/.bin/code-server" --version >/dev/null || die "code-server does not start: $TEST_DIR"
echo "VS Code test dependencies ready: $TEST_DIR"
