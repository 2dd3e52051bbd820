# Shared set-up of the store's end-to-end tests; sourced, never run.
#   source "$(dirname "$0")/lib.sh"; store_test_setup NAME "$@"
# Sets TACIT (absolute), WORK (a temporary folder removed on exit), an
# isolated HOME with no system git config, and fail / problem helpers:
# fail stops at once, problem records and goes on (see PROBLEMS).
store_test_setup() {
  TEST_NAME=$1
  shift
  TACIT=${1:?usage: $TEST_NAME.sh path/to/tacit}
  PROBLEMS=()
  [[ -x $TACIT ]] || fail "not an executable: $TACIT"
  TACIT=$(cd "$(dirname "$TACIT")" && pwd)/$(basename "$TACIT")
  command -v jq >/dev/null || fail "jq is required (apt-get install jq)"

  WORK=$(mktemp -d "${TMPDIR:-/tmp}/tacit-$TEST_NAME.XXXXXX")
  trap 'rm -rf "$WORK"' EXIT

  # Nothing from the caller's git environment may leak into the repositories.
  unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE GIT_OBJECT_DIRECTORY GIT_ALTERNATE_OBJECT_DIRECTORIES \
    GIT_CONFIG GIT_CONFIG_GLOBAL GIT_CONFIG_SYSTEM GIT_CONFIG_COUNT GIT_CONFIG_PARAMETERS \
    GIT_CEILING_DIRECTORIES TACIT_LOG XDG_CONFIG_HOME
  export HOME=$WORK/home GIT_CONFIG_NOSYSTEM=1
  mkdir -p "$HOME"
}
fail() { echo "FAIL (${TEST_NAME:-store}): $*" >&2; exit 1; }
problem() { echo "FAIL (${TEST_NAME:-store}): $*" >&2; PROBLEMS+=("$*"); }
