#!/usr/bin/env bash
# Convergence: a bare remote and 5 clones. 200 random operations (note add,
# ask --to, reply, answer, ack, resolve, reopen, delete), each on a random
# clone with ids picked from that clone's own `tacit list --json` (questions
# only for answer and ack),
# interleaved with `tacit sync` on random clones; then two rounds of sync on
# all 5 clones in order. Then `tacit list --json` is byte-identical on every
# clone and lists exactly the ids printed by the create commands minus the
# deleted ones. Every command must succeed without writing to stderr.
#
# RANDOM is seeded (default 20261127, printed) so the sequence of operations
# is reproducible; ids and timestamps differ from run to run.
#
# usage: convergence.sh path/to/tacit [SEED] [OPS]
set -euo pipefail
source "$(dirname "$0")/lib.sh"
store_test_setup convergence "$@"
SEED=${2:-20261127}
OPS=${3:-200}
CLONES=5
[[ $SEED =~ ^[0-9]+$ ]] || fail "SEED must be a number, got '$SEED'"
[[ $OPS =~ ^[1-9][0-9]*$ ]] || fail "OPS must be a positive integer, got '$OPS'"
echo "convergence: RANDOM seed $SEED ($OPS operations on $CLONES clones)"
RANDOM=$SEED



# The seed: one commit with a few files.
git init -q "$WORK/seed"
mkdir -p "$WORK/seed/src"
for line in $(seq 1 30); do echo "alpha $line"; done >"$WORK/seed/a.txt"
for line in $(seq 1 30); do echo "beta $line"; done >"$WORK/seed/b.md"
for line in $(seq 1 30); do echo "int gamma$line = $line;"; done >"$WORK/seed/src/c.cpp"
git -C "$WORK/seed" add .
git -C "$WORK/seed" -c user.name=Seed -c user.email=seed@example.com commit -qm seed
git clone -q --bare "$WORK/seed" "$WORK/remote.git"
for c in $(seq 1 "$CLONES"); do
  git clone -q "$WORK/remote.git" "$WORK/c$c"
  git -C "$WORK/c$c" config user.name "User $c"
  git -C "$WORK/c$c" config user.email "user$c@example.com"
done
FILES=(a.txt b.md src/c.cpp)

: >"$WORK/created"
: >"$WORK/deleted"
: >"$WORK/log"  # every command run, for the failure messages
STEP=0

# tacit C ARGS...: runs tacit in clone C; status, stdout in $WORK/out.
tacit_in() {
  local c=$1
  shift
  STEP=$((STEP + 1))
  echo "#$STEP c$c: tacit $*" >>"$WORK/log"
  local status=0
  (cd "$WORK/c$c" && "$TACIT" "$@") >"$WORK/out" 2>"$WORK/err" || status=$?
  if [[ $status -ne 0 ]]; then
    problem "#$STEP in c$c: tacit $* exited $status: $(head -c 400 "$WORK/err")"
    return 1
  fi
  if [[ -s $WORK/err ]]; then
    problem "#$STEP in c$c: tacit $* wrote to stderr: $(head -c 400 "$WORK/err")"
  fi
  return 0
}

# pick_thread C [KIND]: a random id from clone C's own list (of that kind)
# into PICKED ("" if none).
pick_thread() {
  PICKED=""
  tacit_in "$1" list --json ${2:+--kind "$2"} || return 0
  mapfile -t IDS < <(jq -r '.[].id' "$WORK/out")
  (( ${#IDS[@]} > 0 )) && PICKED=${IDS[RANDOM % ${#IDS[@]}]}
  return 0
}

random_spec() {  # a random PATH:START[-END] into SPEC
  local f=${FILES[RANDOM % ${#FILES[@]}]} start=$((RANDOM % 30 + 1)) len=$((RANDOM % 3))
  SPEC="$f:$start"
  (( len > 0 && start + len <= 30 )) && SPEC="$f:$start-$((start + len))"
  return 0
}

declare -A DONE=()
SYNCS=0
for ((op = 1; op <= OPS; op++)); do
  c=$((RANDOM % CLONES + 1))
  r=$((RANDOM % 100))
  if ((r < 22)); then verb=note
  elif ((r < 36)); then verb=ask
  elif ((r < 50)); then verb=reply
  elif ((r < 62)); then verb=answer
  elif ((r < 72)); then verb=ack
  elif ((r < 82)); then verb=resolve
  elif ((r < 92)); then verb=reopen
  else verb=delete
  fi
  if [[ $verb != note && $verb != ask ]]; then
    # Only a question is answered or acknowledged (docs/cli.md, "What goes on which thread").
    if [[ $verb == answer || $verb == ack ]]; then pick_thread "$c" question; else pick_thread "$c"; fi
    [[ -n $PICKED ]] || verb=note  # nothing to act on yet in this clone
  fi
  case $verb in
    note)
      random_spec
      if ((RANDOM % 4 == 0)); then
        tacit_in "$c" note add "$SPEC" --lesson -m "lesson $op from c$c" && cat "$WORK/out" >>"$WORK/created"
      else
        tacit_in "$c" note add "$SPEC" -m "note $op from c$c" && cat "$WORK/out" >>"$WORK/created"
      fi
      ;;
    ask)
      random_spec
      # 0 to 2 distinct recipients (a repeated --to is another matter).
      to=()
      first=$((RANDOM % CLONES))
      for ((k = RANDOM % 3; k > 0; k--)); do to+=(--to "user$(( (first + k) % CLONES + 1 ))@example.com"); done
      tacit_in "$c" ask "$SPEC" -m "question $op from c$c?" "${to[@]}" && cat "$WORK/out" >>"$WORK/created"
      ;;
    reply | answer) tacit_in "$c" "$verb" "$PICKED" -m "$verb $op from c$c" || true ;;
    delete) tacit_in "$c" delete "$PICKED" && echo "$PICKED" >>"$WORK/deleted" ;;
    *) tacit_in "$c" "$verb" "$PICKED" || true ;;
  esac
  DONE[$verb]=$(( ${DONE[$verb]:-0} + 1 ))
  # Syncs interleaved: after about 1 operation in 3, on a random clone.
  if ((RANDOM % 3 == 0)); then
    tacit_in "$((RANDOM % CLONES + 1))" sync || true
    SYNCS=$((SYNCS + 1))
  fi
done

# Two rounds of sync on every clone, in order: the first brings everything
# to the remote (and clone 5 sees all of it), the second brings it to all.
for round in 1 2; do
  for c in $(seq 1 "$CLONES"); do tacit_in "$c" sync || true; done
done

for c in $(seq 1 "$CLONES"); do
  tacit_in "$c" list --json || fail "tacit list --json failed in c$c"
  cp "$WORK/out" "$WORK/list.c$c"
done
for c in $(seq 2 "$CLONES"); do
  cmp -s "$WORK/list.c1" "$WORK/list.c$c" ||
    problem "tacit list --json differs between c1 and c$c: $(diff "$WORK/list.c1" "$WORK/list.c$c" | head -n 8 | tr '\n' ' ')"
done

grep -Evq '^[0-9a-f]{32}$' "$WORK/created" && problem "a create command printed something other than one id: $(grep -Ev '^[0-9a-f]{32}$' "$WORK/created" | head -n 3)"
sort -u "$WORK/created" >"$WORK/created.sorted"
sort -u "$WORK/deleted" >"$WORK/deleted.sorted"
comm -23 "$WORK/created.sorted" "$WORK/deleted.sorted" >"$WORK/expected"
jq -r '.[].id' "$WORK/list.c1" | sort >"$WORK/listed"
MISSING=$(comm -23 "$WORK/expected" "$WORK/listed" | head -n 5 | tr '\n' ' ')
EXTRA=$(comm -13 "$WORK/expected" "$WORK/listed" | head -n 5 | tr '\n' ' ')
[[ -z $MISSING ]] || problem "created and not deleted, but not listed: $MISSING"
[[ -z $EXTRA ]] || problem "listed but never created, or deleted: $EXTRA"

if [[ ${#PROBLEMS[@]} -gt 0 ]]; then
  echo "the last commands run:" >&2
  tail -n 15 "$WORK/log" >&2
  fail "${#PROBLEMS[@]} problem(s), see above"
fi
SUMMARY=""
for verb in note ask reply answer ack resolve reopen delete; do SUMMARY+="$verb ${DONE[$verb]:-0}, "; done
echo "convergence: seed $SEED, $OPS operations ($SUMMARY$SYNCS interleaved syncs) on $CLONES clones + 2 sync rounds -> list --json byte-identical on all clones, $(wc -l <"$WORK/listed") threads = $(wc -l <"$WORK/created.sorted") created - $(wc -l <"$WORK/deleted.sorted") deleted"
