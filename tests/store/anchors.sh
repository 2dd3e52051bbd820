#!/usr/bin/env bash
# Threads follow their lines through the command line: the real tacit and
# the real git, one history with a known answer at every step.
#   - lines inserted above (committed, then only in the work tree);
#   - the file renamed (git mv) — `list --path` finds it under the new name;
#   - the block moved to another file;
#   - `--at REV` answers for an older commit, and equals the first answer;
#   - the block deleted → orphaned at the last place it was seen;
#   - `tacit move` re-anchors by hand, and a teammate gets the move on sync;
#   - the location cache: deleting the index gives byte-identical JSON.
#
# usage: anchors.sh path/to/tacit
set -euo pipefail
source "$(dirname "$0")/lib.sh"
store_test_setup anchors "$@"

t() {  # t ARGS...: tacit in $REPO, stdout to stdout, fail on error
  (cd "$REPO" && "$TACIT" "$@") 2>"$WORK/err" || fail "tacit $* failed: $(head -c 500 "$WORK/err")"
}
commit() { git -C "$REPO" add -A && git -C "$REPO" commit -qm "$1"; }
# expect WHAT JQ-FILTER EXPECTED [tacit list args...]: the located place of the one thread.
expect() {
  local what=$1 filter=$2 expected=$3
  shift 3
  local got
  got=$(t list --json "$@" | jq -c "map(select(.id == \"$ID\")) | .[0].location | $filter")
  [[ $got == "$expected" ]] || problem "$what: expected $expected, got $got"
}

git init -q "$WORK/remote.git" --bare
git init -q "$WORK/repo"
REPO=$WORK/repo
git -C "$REPO" config user.name "Ada"
git -C "$REPO" config user.email "ada@example.com"
git -C "$REPO" remote add origin "$WORK/remote.git"
mkdir -p "$REPO/src"
{
  for i in $(seq 1 20); do echo "int before_$i = $i;"; done
  echo "void flush_cache() {"
  echo "  cache.clear();"
  echo "  stats.flushes += 1;"
  echo "}"
  for i in $(seq 1 20); do echo "int after_$i = $i;"; done
} >"$REPO/src/cache.cpp"
commit "first"
FIRST=$(git -C "$REPO" rev-parse HEAD)

ID=$(t note add src/cache.cpp:21-24 -m "flush_cache must stay idempotent")
expect "at once" '[.path, .start_line, .end_line, .status]' '["src/cache.cpp",21,24,"exact"]'

# Lines inserted above, committed: shifted by the diff.
sed -i '1i // header\n// more header\n// and more' "$REPO/src/cache.cpp"
commit "header"
expect "lines inserted above" '[.path, .start_line, .end_line, .status]' '["src/cache.cpp",24,27,"exact"]'

# Two more lines only in the work tree: followed into the file on disk;
# --at HEAD still answers for the commit.
sed -i '1i // unsaved\n// unsaved too' "$REPO/src/cache.cpp"
expect "work tree edit" '[.start_line, .end_line, .status]' '[26,29,"exact"]'
expect "--at HEAD" '[.start_line, .end_line]' '[24,27]' --at HEAD
git -C "$REPO" checkout -q src/cache.cpp

# Renamed: found under the new name, and --path selects by where it is now.
git -C "$REPO" mv src/cache.cpp src/store_cache.cpp
commit "rename"
expect "renamed" '[.path, .start_line, .status]' '["src/store_cache.cpp",24,"moved"]'
[[ $(t list --json --path src/store_cache.cpp | jq length) == 1 ]] || problem "--path by the new name finds nothing"
[[ $(t list --json --path src/cache.cpp | jq length) == 0 ]] || problem "--path by the old name still lists it"

# Moved to another file.
{
  echo "// flushing lives here now"
  sed -n '24,27p' "$REPO/src/store_cache.cpp"
} >"$REPO/src/flush.cpp"
sed -i '24,27d' "$REPO/src/store_cache.cpp"
commit "move to flush.cpp"
expect "moved to another file" '[.path, .start_line, .end_line, .status]' '["src/flush.cpp",2,5,"moved"]'

# An older commit, asked after the newer ones: the same answer as at first.
expect "--at FIRST" '[.path, .start_line, .end_line, .status]' '["src/cache.cpp",21,24,"exact"]' --at "$FIRST"

# Deleted: orphaned, at the last place it was seen (flush.cpp), not made.
sed -i '2,5d' "$REPO/src/flush.cpp"
commit "delete"
expect "deleted" '[.path, .start_line, .status, .confidence]' '["src/flush.cpp",2,"orphaned",0]'

# Re-anchored by hand, as an event a teammate receives.
echo "void flush_all() { cache.clear(); }" >>"$REPO/src/flush.cpp"
commit "flush_all"
t move "${ID:0:8}" src/flush.cpp:2 >/dev/null
expect "after move" '[.path, .start_line, .end_line, .status]' '["src/flush.cpp",2,2,"exact"]'
[[ $(t show "$ID" --json | jq -c '.anchor | [.path, .start_line]') == '["src/flush.cpp",2]' ]] ||
  problem "show --json: the anchor is not the moved one"
t sync >/dev/null
git clone -q "$WORK/remote.git" "$WORK/mate" 2>/dev/null
git -C "$WORK/mate" checkout -q "$(git -C "$REPO" rev-parse HEAD)" 2>/dev/null || true
git -C "$WORK/mate" fetch -q "$REPO" HEAD && git -C "$WORK/mate" checkout -q FETCH_HEAD
git -C "$WORK/mate" config user.name "Bob"
git -C "$WORK/mate" config user.email "bob@example.com"
(cd "$WORK/mate" && "$TACIT" sync >/dev/null 2>"$WORK/err") || fail "teammate's sync: $(cat "$WORK/err")"
mate=$(cd "$WORK/mate" && "$TACIT" list --json | jq -c ".[0].location | [.path, .start_line, .status]")
[[ $mate == '["src/flush.cpp",2,"exact"]' ]] || problem "the teammate sees $mate after sync"

# The location cache is a cache: rebuilt, the same bytes.
t list --json >"$WORK/before.json"
t list --json --at "$FIRST" >>"$WORK/before.json"
rm -f "$REPO/.git/tacit/index.sqlite" "$REPO/.git/tacit/index.sqlite-wal" "$REPO/.git/tacit/index.sqlite-shm"
t list --json >"$WORK/after.json"
t list --json --at "$FIRST" >>"$WORK/after.json"
cmp -s "$WORK/before.json" "$WORK/after.json" || problem "the JSON differs after rebuilding the index"

if ((${#PROBLEMS[@]})); then
  echo "${#PROBLEMS[@]} problem(s)" >&2
  exit 1
fi
echo "anchors: every step located as expected"
