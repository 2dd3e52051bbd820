#!/usr/bin/env bash
# Runs one headless Neovim test against the real tacit binary, in a scratch
# HOME and XDG folders (no user configuration, no global git identity).
#
# usage: run.sh path/to/tacit TEST.lua
set -euo pipefail
TACIT=$(cd "$(dirname "${1:?usage: run.sh path/to/tacit TEST.lua}")" && pwd)/$(basename "$1")
TEST=$(cd "$(dirname "${2:?usage: run.sh path/to/tacit TEST.lua}")" && pwd)/$(basename "$2")
HERE=$(cd "$(dirname "$0")" && pwd)
command -v nvim >/dev/null || { echo "run.sh: nvim is not installed (apt-get install neovim)" >&2; exit 1; }

SCRATCH=$(mktemp -d "${TMPDIR:-/tmp}/tacit-nvim.XXXXXX")
trap 'rm -rf "$SCRATCH"' EXIT
unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE GIT_CONFIG GIT_CONFIG_GLOBAL GIT_CONFIG_PARAMETERS TACIT_NOW TACIT_LOG
export HOME=$SCRATCH/home XDG_CONFIG_HOME=$SCRATCH/config XDG_DATA_HOME=$SCRATCH/data \
  XDG_STATE_HOME=$SCRATCH/state XDG_CACHE_HOME=$SCRATCH/cache TMPDIR=$SCRATCH GIT_CONFIG_NOSYSTEM=1
mkdir -p "$HOME"
export TACIT TACIT_PLUGIN=$HERE/../../editors/neovim
# The bound turns a hang (an uncaught error in a -u script) into a failure.
exec timeout 300 nvim --headless --clean -u "$TEST"
