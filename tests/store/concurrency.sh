#!/usr/bin/env bash
# Concurrent writers on one clone: 3 processes each run N `tacit note add`
# (default 1000) on their own file, lines and bodies, starting together on a
# fresh repository (so they also race on tacit's first use). Every add must
# succeed, print one id and nothing on stderr; `tacit list --json` must hold
# exactly the 3*N printed ids with the right bodies and anchors; the clone
# must have one replica ref whose log holds exactly 3*N events in 3*N
# commits; git fsck --strict must be clean. Failures are collected, so one
# run reports all of them.
#
# usage: concurrency.sh path/to/tacit [N]
set -euo pipefail

TACIT=${1:?usage: concurrency.sh path/to/tacit [N]}
N=${2:-1000}
WRITERS=3

fail() { echo "FAIL (concurrency): $*" >&2; exit 1; }
# Checks after the writes are gathered, so one run reports every problem.
PROBLEMS=()
problem() { echo "FAIL (concurrency): $*" >&2; PROBLEMS+=("$*"); }
[[ -x $TACIT ]] || fail "not an executable: $TACIT"
TACIT=$(cd "$(dirname "$TACIT")" && pwd)/$(basename "$TACIT")
[[ $N =~ ^[1-9][0-9]*$ ]] || fail "N must be a positive integer, got '$N'"
command -v jq >/dev/null || fail "jq is required (apt-get install jq)"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/tacit-concurrency.XXXXXX")
PIDS=()
cleanup() {
  local pid
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT

# No user or system configuration, no inherited git or tacit settings.
unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE GIT_OBJECT_DIRECTORY GIT_ALTERNATE_OBJECT_DIRECTORIES \
  GIT_CONFIG GIT_CONFIG_GLOBAL GIT_CONFIG_SYSTEM GIT_CONFIG_COUNT GIT_CONFIG_PARAMETERS \
  GIT_CEILING_DIRECTORIES TACIT_LOG XDG_CONFIG_HOME
export HOME=$WORK/home GIT_CONFIG_NOSYSTEM=1
mkdir -p "$HOME"

REPO=$WORK/repo
git init -q "$REPO"
cd "$REPO"
git config user.name "Writer"
git config user.email "writer@example.com"
for w in $(seq 1 "$WRITERS"); do
  for line in $(seq 1 20); do echo "file $w line $line"; done > "f$w.txt"
done
git add . && git commit -qm "seed"

# Each writer notes its own file, cycling over its 20 lines, with bodies that
# are distinct across all writers. A failed add is recorded and the writer
# goes on, so one run shows how many fail and why. The repository is fresh:
# the writers also race on tacit's first use (replica id, index, private store).
writer() {
  local w=$1 i status
  for ((i = 1; i <= N; i++)); do
    status=0
    "$TACIT" note add "f$w.txt:$(( (i - 1) % 20 + 1 ))" -m "writer $w note $i" \
      >>"$WORK/ids.$w" 2>"$WORK/err.$w.last" || status=$?
    if [[ $status -ne 0 ]]; then
      echo "writer $w note $i: status $status: $(tr '\n' ' ' <"$WORK/err.$w.last")" >>"$WORK/failed.$w"
    elif [[ -s $WORK/err.$w.last ]]; then
      echo "writer $w note $i: $(tr '\n' ' ' <"$WORK/err.$w.last")" >>"$WORK/err.$w"
    fi
  done
}

START=$SECONDS
for w in $(seq 1 "$WRITERS"); do
  : >"$WORK/ids.$w"
  : >"$WORK/err.$w"
  : >"$WORK/failed.$w"
  writer "$w" &
  PIDS+=($!)
done
for i in "${!PIDS[@]}"; do
  wait "${PIDS[$i]}" || fail "writer $((i + 1)) (a bash loop) failed"
done
PIDS=()
ELAPSED=$((SECONDS - START))

# Every note add succeeds.
cat "$WORK"/failed.* >"$WORK/failed"
if [[ -s $WORK/failed ]]; then
  problem "$(wc -l <"$WORK/failed") of $((WRITERS * N)) note adds failed; the messages: $(sed -E 's/^writer [0-9]+ note [0-9]+: //; s/[A-Z]\[[0-9:.]+\] //g; s/[0-9a-f]{12,}/<hex>/g; s#/tmp/[^ ]*#<path>#g' "$WORK/failed" | sort | uniq -c | sort -rn | head -n 4 | tr -s ' ' | tr '\n' ';') first: $(head -n 2 "$WORK/failed" | tr '\n' ' ')"
fi

TOTAL=$((WRITERS * N))
cat "$WORK"/ids.* >"$WORK/printed"
grep -Evq '^[0-9a-f]{32}$' "$WORK/printed" && problem "a note add printed something other than one id per line: $(grep -Ev '^[0-9a-f]{32}$' "$WORK/printed" | head -n 3)"
PRINTED=$(wc -l <"$WORK/printed")
[[ $PRINTED -eq $TOTAL ]] || problem "expected $TOTAL printed ids, got $PRINTED"
sort "$WORK/printed" >"$WORK/printed.sorted"
[[ $(sort -u "$WORK/printed" | wc -l) -eq $PRINTED ]] || problem "note add printed duplicate ids"
# A successful note add prints its id and nothing on stderr.
cat "$WORK"/err.? >"$WORK/stderr"
if [[ -s $WORK/stderr ]]; then
  problem "$(wc -l <"$WORK/stderr") successful note adds wrote to stderr; the messages: $(sed -E 's/^writer [0-9]+ note [0-9]+: //; s/[A-Z]\[[0-9:.]+\] //g; s/[0-9a-f]{12,}/<hex>/g; s#/tmp/[^ ]*#<path>#g' "$WORK/stderr" | sort | uniq -c | sort -rn | head -n 4 | tr -s ' ' | tr '\n' ';')"
fi

"$TACIT" list --json >"$WORK/list.json" 2>"$WORK/list.err" || fail "tacit list --json failed: $(cat "$WORK/list.err")"
COUNT=$(jq 'length' "$WORK/list.json")
[[ $COUNT -eq $TOTAL ]] || problem "tacit list --json has $COUNT threads, expected $TOTAL"
jq -r '.[].id' "$WORK/list.json" | sort >"$WORK/listed.sorted"
NOT_LISTED=$(comm -23 "$WORK/printed.sorted" "$WORK/listed.sorted" | wc -l)
NOT_PRINTED=$(comm -13 "$WORK/printed.sorted" "$WORK/listed.sorted" | wc -l)
[[ $NOT_LISTED -eq 0 ]] || problem "$NOT_LISTED printed id(s) are not listed: $(comm -23 "$WORK/printed.sorted" "$WORK/listed.sorted" | head -n 3 | tr '\n' ' ')"
[[ $NOT_PRINTED -eq 0 ]] || problem "$NOT_PRINTED listed id(s) were never printed (a note add that reported failure had stored its note?): $(comm -13 "$WORK/printed.sorted" "$WORK/listed.sorted" | head -n 3 | tr '\n' ' ')"
# Every body once, on the right file and line.
BAD=$(jq -r '.[] | select((.body | test("^writer [0-9]+ note [0-9]+$") | not)
                       or ("f" + (.body | split(" ")[1]) + ".txt") != .anchor.path
                       or ((.body | split(" ")[3] | tonumber) - 1) % 20 + 1 != .anchor.start_line) | .id' \
        "$WORK/list.json" | head -n 3)
[[ -z $BAD ]] || problem "threads with a wrong body or anchor: $BAD"
[[ $(jq -r ".[].body" "$WORK/list.json" | sort -u | wc -l) -eq $COUNT ]] || problem "two threads have the same body"

# One replica ref, and its log holds exactly one event per note: no append
# was lost or doubled by the compare-and-swap.
REPLICA=$(git config tacit.replica)
REFS=$(git for-each-ref --format='%(refname)' refs/tacit/)
[[ $REFS == "refs/tacit/v1/replicas/$REPLICA" ]] || problem "expected exactly refs/tacit/v1/replicas/$REPLICA, got: $REFS"
EVENTS=$(git ls-tree -r --name-only "refs/tacit/v1/replicas/$REPLICA" | grep -Ec '^events/[0-9]{6}/[0-9]{12}-[0-9a-f]{32}\.json$' || true)
[[ $EVENTS -eq $TOTAL ]] || problem "the replica's log holds $EVENTS events, expected $TOTAL"
COMMITS=$(git rev-list --count "refs/tacit/v1/replicas/$REPLICA")
[[ $COMMITS -eq $TOTAL ]] || problem "the replica's log has $COMMITS commits, expected $TOTAL (one per command)"

# Dangling commits are expected (appends that lost the compare-and-swap).
git fsck --strict --no-progress --no-dangling >"$WORK/fsck.out" 2>&1 || problem "git fsck --strict failed: $(head -n 5 "$WORK/fsck.out")"
grep -Ev '^(notice|Checking)' "$WORK/fsck.out" >"$WORK/fsck.bad" && problem "git fsck --strict reported: $(head -n 5 "$WORK/fsck.bad")"

[[ ${#PROBLEMS[@]} -eq 0 ]] || fail "${#PROBLEMS[@]} problem(s), see above"
echo "concurrency: $WRITERS writers x $N note add on one clone -> $TOTAL threads listed, all printed ids present, $EVENTS events in one log, fsck --strict clean (writes took ${ELAPSED}s)"
