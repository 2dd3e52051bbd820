#!/usr/bin/env bash
# Private threads never leave the clone. In clone A: a private note, a
# private question (with a reply to it), and a shared note (with a reply);
# A syncs to a bare remote, B syncs from it. Then:
#   - no object in the remote (git cat-file --batch-all-objects --batch)
#     contains a private body or the private reply, while the shared body and
#     reply are there (the check can see bodies at all);
#   - A's own object store (outside .git/tacit/private.git) holds none of
#     them either, and private.git has no remote;
#   - B lists only the shared note and does not know the private ids;
#   - A lists all three, the private ones with "private": true.
#
# usage: private.sh path/to/tacit
set -euo pipefail
source "$(dirname "$0")/lib.sh"
store_test_setup private "$@"

must() {  # must NAME DIR tacit-args...: stdout into $WORK/NAME.out, fail on error
  local name=$1 dir=$2
  shift 2
  (cd "$dir" && "$TACIT" "$@") >"$WORK/$name.out" 2>"$WORK/$name.err" ||
    fail "tacit $* (in $(basename "$dir")) failed: $(head -c 500 "$WORK/$name.err")"
}

git init -q "$WORK/seed"
for line in $(seq 1 10); do echo "line $line"; done >"$WORK/seed/a.txt"
git -C "$WORK/seed" add a.txt
git -C "$WORK/seed" -c user.name=Seed -c user.email=seed@example.com commit -qm seed
git clone -q --bare "$WORK/seed" "$WORK/remote.git"
for c in A B; do
  git clone -q "$WORK/remote.git" "$WORK/$c"
  git -C "$WORK/$c" config user.name "User $c"
  git -C "$WORK/$c" config user.email "$c@example.com"
done
A=$WORK/A B=$WORK/B R=$WORK/remote.git

# Distinctive strings, so a grep over raw objects finds them if they leaked.
TAG=$(od -An -tx1 -N6 /dev/urandom | tr -d ' \n')
PRIVATE_NOTE="private-note-body-$TAG"
PRIVATE_QUESTION="private-question-body-$TAG"
PRIVATE_REPLY="private-reply-body-$TAG"
SHARED_NOTE="shared-note-body-$TAG"
SHARED_REPLY="shared-reply-body-$TAG"

must pn "$A" note add a.txt:1 --private -m "$PRIVATE_NOTE"
must pq "$A" ask a.txt:2-3 --private --to B@example.com -m "$PRIVATE_QUESTION"
must sn "$A" note add a.txt:4 -m "$SHARED_NOTE"
PN=$(cat "$WORK/pn.out") PQ=$(cat "$WORK/pq.out") SN=$(cat "$WORK/sn.out")
must pr "$A" reply "$PQ" -m "$PRIVATE_REPLY"
must pa "$A" ack "$PQ"
must sr "$A" reply "$SN" -m "$SHARED_REPLY"
must async "$A" sync
must bsync "$B" sync
must async2 "$A" sync

# What the remote holds, decompressed, every object.
git -C "$R" cat-file --batch-all-objects --batch >"$WORK/remote.objects"
for s in "$PRIVATE_NOTE" "$PRIVATE_QUESTION" "$PRIVATE_REPLY"; do
  grep -qF -- "$s" "$WORK/remote.objects" && problem "the remote holds an object containing '$s'"
done
for id in "$PN" "$PQ"; do
  grep -qF -- "$id" "$WORK/remote.objects" && problem "the remote holds an object naming the private thread id $id"
done
for s in "$SHARED_NOTE" "$SHARED_REPLY"; do
  grep -qF -- "$s" "$WORK/remote.objects" || problem "the remote has no object containing the shared '$s' (sync did not push it?)"
done
git -C "$R" for-each-ref --format='%(refname)' refs/tacit >"$WORK/remote.refs"
[[ $(cat "$WORK/remote.refs") == "refs/tacit/v1/replicas/$(git -C "$A" config tacit.replica)" ]] ||
  problem "the remote's tacit refs are not exactly A's replica ref: $(tr '\n' ' ' <"$WORK/remote.refs")"

# A's shared object store has no private content either; private.git does.
git -C "$A" cat-file --batch-all-objects --batch >"$WORK/a.objects"
for s in "$PRIVATE_NOTE" "$PRIVATE_QUESTION" "$PRIVATE_REPLY"; do
  grep -qF -- "$s" "$WORK/a.objects" && problem "A's repository (outside private.git) holds an object containing '$s'"
done
PRIV=$A/.git/tacit/private.git
[[ -d $PRIV ]] || fail "no private store at $PRIV"
git -C "$PRIV" cat-file --batch-all-objects --batch >"$WORK/private.objects"
for s in "$PRIVATE_NOTE" "$PRIVATE_QUESTION" "$PRIVATE_REPLY"; do
  grep -qF -- "$s" "$WORK/private.objects" || problem "A's private.git does not hold '$s'"
done
[[ -z $(git -C "$PRIV" remote) ]] || problem "A's private.git has a remote: $(git -C "$PRIV" remote)"
git -C "$PRIV" fsck --strict --no-progress --no-dangling >"$WORK/fsck.out" 2>&1 || problem "git fsck --strict of private.git failed: $(head -n 5 "$WORK/fsck.out")"

# B sees the shared note only.
must blist "$B" list --json
[[ $(jq -r '[.[].id] | join(" ")' "$WORK/blist.out") == "$SN" ]] ||
  problem "B lists [$(jq -r '[.[].id] | join(" ")' "$WORK/blist.out")], expected only the shared note $SN"
[[ $(jq -r '.[0].replies[0].body' "$WORK/blist.out") == "$SHARED_REPLY" ]] || problem "B does not show the shared reply"
for id in "$PN" "$PQ"; do
  status=0
  (cd "$B" && "$TACIT" show "$id") >"$WORK/bshow.out" 2>"$WORK/bshow.err" || status=$?
  [[ $status -ne 0 ]] || problem "B can show the private thread $id: $(head -c 200 "$WORK/bshow.out")"
done
must bsearch "$B" search "$TAG" --json
jq -e --arg sn "$SN" 'all(.[]; .id == $sn)' "$WORK/bsearch.out" >/dev/null ||
  problem "B's search finds a private thread: $(jq -c '[.[].id]' "$WORK/bsearch.out")"
must bto "$B" list --json --to me
[[ $(jq 'length' "$WORK/bto.out") -eq 0 ]] || problem "B's list --to me shows A's private question"

# A sees all three, flagged.
must alist "$A" list --json
for id in "$PN" "$PQ" "$SN"; do
  want=true
  [[ $id == "$SN" ]] && want=false
  got=$(jq -r --arg id "$id" '.[] | select(.id == $id) | .private' "$WORK/alist.out")
  [[ $got == "$want" ]] || problem "A lists thread $id with \"private\": ${got:-<missing>}, expected $want"
done
[[ $(jq 'length' "$WORK/alist.out") -eq 3 ]] || problem "A lists $(jq 'length' "$WORK/alist.out") threads, expected 3"
[[ $(jq -r --arg id "$PQ" '.[] | select(.id == $id) | .replies[0].body' "$WORK/alist.out") == "$PRIVATE_REPLY" ]] ||
  problem "A does not show the reply on its private question"

[[ ${#PROBLEMS[@]} -eq 0 ]] || fail "${#PROBLEMS[@]} problem(s), see above"
echo "private: a private note, a private question (+ reply, ack) and a shared note (+ reply) synced -> no remote object holds a private body or id (the shared ones are there), A's shared object store neither; B lists only the shared note; A lists the private ones with \"private\": true"
