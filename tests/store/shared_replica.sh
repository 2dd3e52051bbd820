#!/usr/bin/env bash
# Two clones that share a replica id (one is a cp -r of the other) both write
# and sync: the second push is rejected (the same ref moved on the remote),
# so sync fetches, merges the remote's copy of the log into its own (a merge
# commit over the union of both trees) and pushes again. Nothing is lost and
# nothing is forced: both notes are on the remote, both clones list both.
#
# usage: shared_replica.sh path/to/tacit
set -euo pipefail
source "$(dirname "$0")/lib.sh"
store_test_setup shared_replica "$@"

git init -q "$WORK/seed"
printf 'one\ntwo\nthree\n' >"$WORK/seed/a.txt"
git -C "$WORK/seed" add a.txt
git -C "$WORK/seed" -c user.name=Seed -c user.email=seed@example.com commit -qm seed
git clone -q --bare "$WORK/seed" "$WORK/remote.git"
git clone -q "$WORK/remote.git" "$WORK/A"
git -C "$WORK/A" config user.name "User A"
git -C "$WORK/A" config user.email a@example.com
(cd "$WORK/A" && "$TACIT" note add a.txt:1 -m "first, before the copy" >/dev/null && "$TACIT" sync >/dev/null)
cp -r "$WORK/A" "$WORK/B"  # same tacit.replica
REPLICA=$(git -C "$WORK/A" config tacit.replica)
[[ $(git -C "$WORK/B" config tacit.replica) == "$REPLICA" ]] || fail "the copy does not share the replica id"

NB=$(cd "$WORK/B" && "$TACIT" note add a.txt:2 -m "written in the copy")
(cd "$WORK/B" && "$TACIT" sync >/dev/null) || fail "B's sync failed"
NA=$(cd "$WORK/A" && "$TACIT" note add a.txt:3 -m "written in the original")
(cd "$WORK/A" && "$TACIT" sync >"$WORK/a.out" 2>"$WORK/a.err") ||
  fail "A's sync failed after the rejection: $(head -c 400 "$WORK/a.err")"
grep -q "rejected" "$WORK/a.err" || problem "A's push was not rejected first, so the merge path was not exercised: $(cat "$WORK/a.err")"
grep -q "skipped" "$WORK/a.err" && problem "A's sync skipped events of the merged log: $(grep skipped "$WORK/a.err")"
(cd "$WORK/B" && "$TACIT" sync >/dev/null) || fail "B's second sync failed"

for c in A B; do
  ids=$(cd "$WORK/$c" && "$TACIT" list --json | jq -r '.[].id' | sort | tr '\n' ' ')
  for id in "$NA" "$NB"; do
    [[ $ids == *"$id"* ]] || problem "$c does not list $id (it lists: $ids)"
  done
  [[ $(wc -w <<<"$ids") -eq 3 ]] || problem "$c lists $(wc -w <<<"$ids") threads, expected 3"
done
# The remote's copy of the log holds both new events, and its history was never rewritten.
TIP=$(git -C "$WORK/remote.git" rev-parse "refs/tacit/v1/replicas/$REPLICA")
for id in "$NA" "$NB"; do
  git -C "$WORK/remote.git" ls-tree -r "$TIP" | grep -q -- "-$id.json" || problem "the remote log lacks $id"
done
git -C "$WORK/remote.git" fsck --strict >/dev/null 2>&1 || problem "git fsck --strict fails on the remote"

(( ${#PROBLEMS[@]} == 0 )) || fail "${#PROBLEMS[@]} problem(s), see above"
echo "shared_replica: a copied clone's rejected push was merged and pushed; both notes everywhere"
