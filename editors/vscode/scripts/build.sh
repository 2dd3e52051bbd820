#!/usr/bin/env bash
# Builds the extension (TypeScript → out/) and packages it as OUT_DIR/tacit.vsix
# with @vscode/vsce. Needs the npm packages (scripts/install-test-deps.sh).
# Usage: build.sh [OUT_DIR]   (default: the repository's build/vscode)
set -euo pipefail
EXT_DIR=$(cd "$(dirname "$0")/.." && pwd)
OUT_DIR=$(realpath -m "${1:-$EXT_DIR/../../build/vscode}")
cd "$EXT_DIR"
[ -d node_modules/@vscode/vsce ] || { echo "build.sh: npm packages missing: run scripts/install-test-deps.sh" >&2; exit 1; }
rm -rf out
npx --no-install tsc -p .
mkdir -p "$OUT_DIR"
npx --no-install vsce package --allow-missing-repository --skip-license --out "$OUT_DIR/tacit.vsix"
