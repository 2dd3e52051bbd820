#!/usr/bin/env bash
# Hostile events from a remote. Clone A writes 2 notes and syncs to a bare
# remote; then a replica ref is forged directly in the remote with git
# plumbing only (hash-object, mktree, commit-tree, update-ref), holding:
#   malformed JSON; an anchor path "../../etc/passwd"; a 10 MB body; a clock
#   jump to lamport 5000000; two events reusing the ids of A's notes with
#   other content (one that encodes smaller than A's, one larger); an event
#   claiming to be written by A's replica; an entry whose name is not an
#   event name; an event whose name does not match its lamport; and one
#   valid event.
# Clone B syncs: exactly A's 2 notes (with A's content) and the valid forged
# one are listed, B's stderr names every skipped entry and not the valid one,
# B keeps working (adds a note, syncs), A converges to the same list, and
# B's index rebuilt from scratch lists the same.
#
# usage: hostile_events.sh path/to/tacit
set -euo pipefail
source "$(dirname "$0")/lib.sh"
store_test_setup hostile_events "$@"
# Identity for the plumbing commit in the remote only; tacit reads git config.
export GIT_AUTHOR_NAME=Mallory GIT_AUTHOR_EMAIL=mallory@example.com \
  GIT_COMMITTER_NAME=Mallory GIT_COMMITTER_EMAIL=mallory@example.com

run() {  # run NAME DIR tacit-args... : status, stdout and stderr into $WORK/NAME.{out,err}
  local name=$1 dir=$2
  shift 2
  local status=0
  (cd "$dir" && "$TACIT" "$@") >"$WORK/$name.out" 2>"$WORK/$name.err" || status=$?
  return $status
}
must() {  # must NAME DIR tacit-args... : like run, and fail on a non-zero status
  local name=$1
  run "$@" || fail "tacit ${*:3} (in $(basename "$2")) failed: $(head -c 500 "$WORK/$name.err")"
}
newid() { od -An -tx1 -N16 /dev/urandom | tr -d ' \n'; }

# A seed repository, its bare remote, clones A and B.
git init -q "$WORK/seed"
for line in $(seq 1 10); do echo "a line $line"; done >"$WORK/seed/a.txt"
git -C "$WORK/seed" add a.txt
git -C "$WORK/seed" -c user.name=Seed -c user.email=seed@example.com commit -qm seed
git clone -q --bare "$WORK/seed" "$WORK/remote.git"
for c in A B; do
  git clone -q "$WORK/remote.git" "$WORK/$c"
  git -C "$WORK/$c" config user.name "User $c"
  git -C "$WORK/$c" config user.email "$(echo "$c" | tr AB ab)lice@example.com"
done
A=$WORK/A B=$WORK/B R=$WORK/remote.git

must a1 "$A" note add a.txt:1 -m "A's first note"
must a2 "$A" note add a.txt:2-3 -m "A's second note"
A1=$(cat "$WORK/a1.out") A2=$(cat "$WORK/a2.out")
must async "$A" sync
RA=$(git -C "$A" config tacit.replica)
git -C "$R" rev-parse -q --verify "refs/tacit/v1/replicas/$RA" >/dev/null || fail "A's sync did not push refs/tacit/v1/replicas/$RA"

# A's events as the remote has them: the templates for the forgeries.
event_of() {  # event_of ID: the JSON of A's event with that id, from the remote
  local path
  path=$(git -C "$R" ls-tree -r --name-only "refs/tacit/v1/replicas/$RA" | grep -- "-$1\.json$") ||
    fail "A's event $1 is not in the remote's log"
  git -C "$R" cat-file blob "refs/tacit/v1/replicas/$RA:$path"
}
TEMPLATE=$(event_of "$A1")
[[ $(jq -r .type <<<"$TEMPLATE") == created ]] || fail "A's first event is not a created event: $TEMPLATE"

FR=$(newid)  # the forged replica
# forge LAMPORT ID JQ-FILTER: a created event of the forged replica, else like A's.
forge() {
  jq -cS --argjson lamport "$1" --arg id "$2" --arg replica "$FR" \
    ".id = \$id | .thread = \$id | .lamport = \$lamport | .replica = \$replica
     | .author = {name: \"Mallory\", email: \"mallory@example.com\"}
     | .payload.body = \"forged \" + \$id | $3" <<<"$TEMPLATE"
}
name() { printf '%012d-%s.json' "$1" "$2"; }  # the entry name for LAMPORT ID

declare -A BAD  # entry path in the forged tree -> what it is
ENTRIES0=()     # "blob-sha<TAB>name" for bucket 000000
ENTRIES_JUMP=() # for the clock jump's bucket
add0() {  # add0 NAME WHAT CONTENT (WHAT empty: the valid one)
  local sha
  sha=$(printf '%s' "$3" | git -C "$R" hash-object -w --stdin)
  ENTRIES0+=("100644 blob $sha"$'\t'"$1")
  [[ -n $2 ]] && BAD["events/000000/$1"]=$2
  return 0
}

ID_MALFORMED=$(newid)
add0 "$(name 1 "$ID_MALFORMED")" "malformed JSON" "$(printf '{"author":{"email":"m@x","name":"M"},"id":"%s","lamport":1,' "$ID_MALFORMED")"

ID_ESCAPE=$(newid)
add0 "$(name 2 "$ID_ESCAPE")" "anchor path ../../etc/passwd" "$(forge 2 "$ID_ESCAPE" '.payload.anchor.path = "../../etc/passwd"')"

ID_BIG=$(newid)
BIG_BODY=$WORK/big-body
head -c 10485760 /dev/zero | tr '\0' 'x' >"$BIG_BODY"
add0 "$(name 3 "$ID_BIG")" "a 10 MB body" "$(jq -cS --rawfile body "$BIG_BODY" '.payload.body = $body' <<<"$(forge 3 "$ID_BIG" .)")"
rm -f "$BIG_BODY"

# The same ids as A's notes, other content: one encodes smaller than A's
# event (author email "aaa..." < "alice..."), one larger ("zzz...").
add0 "$(name 4 "$A1")" "a duplicate of A1's id (smaller encoding)" "$(forge 4 "$A1" '.author = {name: "Mallory", email: "aaa@example.com"} | .payload.body = "FORGED duplicate of A1"')"
add0 "$(name 5 "$A2")" "a duplicate of A2's id (larger encoding)" "$(forge 5 "$A2" '.author = {name: "Mallory", email: "zzz@example.com"} | .payload.body = "FORGED duplicate of A2"')"

ID_IMPOSTOR=$(newid)
add0 "$(name 6 "$ID_IMPOSTOR")" "an event claiming A's replica" "$(forge 6 "$ID_IMPOSTOR" ".replica = \"$RA\"")"

ID_BADNAME=$(newid)
add0 "not-an-event.json" "a wrong file name (not <lamport:012>-<id>.json)" "$(forge 7 "$ID_BADNAME" .)"

ID_MISNAMED=$(newid)
add0 "$(name 18 "$ID_MISNAMED")" "a name whose lamport (18) is not the event's (8)" "$(forge 8 "$ID_MISNAMED" .)"

ID_GOOD=$(newid)
GOOD_BODY="a forged but valid note $ID_GOOD"
add0 "$(name 9 "$ID_GOOD")" "" "$(forge 9 "$ID_GOOD" ".payload.body = \"$GOOD_BODY\"")"
GOOD_PATH="events/000000/$(name 9 "$ID_GOOD")"

ID_JUMP=$(newid)
JUMP_BUCKET=$(printf '%06d' $((5000000 / 1024)))
SHA=$(forge 5000000 "$ID_JUMP" . | git -C "$R" hash-object -w --stdin)
ENTRIES_JUMP+=("100644 blob $SHA"$'\t'"$(name 5000000 "$ID_JUMP")")
BAD["events/$JUMP_BUCKET/$(name 5000000 "$ID_JUMP")"]="a clock jump to lamport 5000000"

BUCKET0=$(printf '%s\n' "${ENTRIES0[@]}" | git -C "$R" mktree)
BUCKET_JUMP=$(printf '%s\n' "${ENTRIES_JUMP[@]}" | git -C "$R" mktree)
EVENTS=$(printf '040000 tree %s\t000000\n040000 tree %s\t%s\n' "$BUCKET0" "$BUCKET_JUMP" "$JUMP_BUCKET" | git -C "$R" mktree)
ROOT=$(printf '040000 tree %s\tevents\n' "$EVENTS" | git -C "$R" mktree)
COMMIT=$(git -C "$R" commit-tree -m "forged log" "$ROOT")
git -C "$R" update-ref "refs/tacit/v1/replicas/$FR" "$COMMIT"

# B syncs.
run bsync "$B" sync || problem "tacit sync in B failed on the forged log: $(head -c 500 "$WORK/bsync.err")"
must blist "$B" list --json
cp "$WORK/blist.out" "$WORK/b-first.json"

check_list() {  # check_list LABEL FILE EXPECTED-IDS...
  local label=$1 file=$2
  shift 2
  local got want
  got=$(jq -r '.[].id' "$file" | sort | tr '\n' ' ')
  want=$(printf '%s\n' "$@" | sort | tr '\n' ' ')
  [[ $got == "$want" ]] || problem "$label lists [$got], expected [$want]"
  # A's notes keep A's content.
  local id body email
  for id in "$A1" "$A2"; do
    body=$(jq -r --arg id "$id" '.[] | select(.id == $id) | .body' "$file")
    email=$(jq -r --arg id "$id" '.[] | select(.id == $id) | .author.email' "$file")
    want=$([[ $id == "$A1" ]] && echo "A's first note" || echo "A's second note")
    [[ $body == "$want" && $email == "alice@example.com" ]] ||
      problem "$label shows A's note $id as body '$body' by '$email', expected '$want' by alice@example.com"
  done
  body=$(jq -r --arg id "$ID_GOOD" '.[] | select(.id == $id) | .body' "$file")
  [[ $body == "$GOOD_BODY" ]] || problem "$label shows the valid forged note with body '$body'"
}
check_list "B after sync" "$WORK/blist.out" "$A1" "$A2" "$ID_GOOD"

# B names every skipped entry (its path or its event id) and not the good one.
for path in "${!BAD[@]}"; do
  id=${path##*-}
  id=${id%.json}
  if ! grep -qF -- "$path" "$WORK/bsync.err" && { [[ $path == */not-an-event.json ]] || ! grep -qF -- "$id" "$WORK/bsync.err"; }; then
    problem "B's sync stderr does not name ${BAD[$path]} ($path)"
  fi
done
grep -qF -- "$ID_GOOD" "$WORK/bsync.err" && problem "B's sync stderr names the valid forged event: $(grep -F -- "$ID_GOOD" "$WORK/bsync.err")"

# B keeps working: a note, a sync; A converges on the same list.
must b1 "$B" note add a.txt:4 -m "B's note after the forgery"
B1=$(cat "$WORK/b1.out")
run bsync2 "$B" sync || problem "B's second sync failed: $(head -c 500 "$WORK/bsync2.err")"
run async2 "$A" sync || problem "A's sync of the forged log failed: $(head -c 500 "$WORK/async2.err")"
must blist2 "$B" list --json
must alist2 "$A" list --json
check_list "B after its own note" "$WORK/blist2.out" "$A1" "$A2" "$ID_GOOD" "$B1"
check_list "A after syncing" "$WORK/alist2.out" "$A1" "$A2" "$ID_GOOD" "$B1"
cmp -s "$WORK/alist2.out" "$WORK/blist2.out" ||
  problem "A and B list different JSON: $(diff "$WORK/alist2.out" "$WORK/blist2.out" | head -n 6 | tr '\n' ' ')"

# B's index rebuilt from its refs agrees.
rm -f "$B"/.git/tacit/index.sqlite "$B"/.git/tacit/index.sqlite-wal "$B"/.git/tacit/index.sqlite-shm
must blist3 "$B" list --json
cmp -s "$WORK/blist2.out" "$WORK/blist3.out" ||
  problem "B's rebuilt index lists different JSON: $(diff "$WORK/blist2.out" "$WORK/blist3.out" | head -n 6 | tr '\n' ' ')"

[[ ${#PROBLEMS[@]} -eq 0 ]] || fail "${#PROBLEMS[@]} problem(s), see above"
echo "hostile_events: ${#BAD[@]} hostile entries in a forged replica ref (malformed JSON, ../../etc/passwd anchor, 10 MB body, lamport 5000000, 2 reused ids, replica impostor, 2 bad names) skipped and named on stderr; A's 2 notes intact + the 1 valid forged event listed; B still writes and syncs; A and B agree; rebuild agrees"
