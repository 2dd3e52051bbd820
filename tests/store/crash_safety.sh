#!/usr/bin/env bash
# Crash safety: `tacit note add` is killed with SIGKILL at random moments
# (timeout --foreground -s KILL, which kills only tacit, after 1 ms up to
# ~1.5x the time an uninterrupted add takes, so kills land in every phase:
# start-up, index refresh, blob and tree writes, the ref's compare-and-swap,
# the final refresh), until 200 rounds have really been killed. Then:
#   - every id whose command exited 0 is in `tacit list --json`;
#   - no command that was not killed failed, and after every kill that left
#     a ref lock behind (a SIGKILL cannot be cleaned up after, by tacit or by
#     git), the next uninterrupted add still succeeds: tacit removes a lock
#     too old to belong to a live writer;
#   - git fsck --strict is clean;
#   - after rm .git/tacit/index.sqlite*, `tacit list --json` lists the same
#     ids (and the same bytes).
#
# usage: crash_safety.sh path/to/tacit [KILLS]   (default 200)
set -euo pipefail
source "$(dirname "$0")/lib.sh"
store_test_setup crash_safety "$@"
KILLS=${2:-200}
MAX_ROUNDS=$((KILLS * 10))

[[ $KILLS =~ ^[1-9][0-9]*$ ]] || fail "KILLS must be a positive integer, got '$KILLS'"
command -v timeout >/dev/null || fail "timeout (coreutils) is required"



REPO=$WORK/repo
git init -q "$REPO"
cd "$REPO"
git config user.name "Crash Test"
git config user.email "crash@example.com"
for line in $(seq 1 50); do echo "line $line"; done >f.txt
git add . && git commit -qm "seed"

: >"$WORK/acked"  # ids whose command exited 0
now_us() { local t=${EPOCHREALTIME/./}; echo "$((10#$t))"; }

# Calibration (and the first use: the replica id and the index are created
# here, uninterrupted): the mean time of 5 uninterrupted adds.
T0=$(now_us)
for i in 1 2 3 4 5; do
  "$TACIT" note add "f.txt:$i" -m "calibration $i" >>"$WORK/acked" 2>"$WORK/err" ||
    fail "an uninterrupted note add failed: $(cat "$WORK/err")"
done
MEAN_MS=$(( ($(now_us) - T0) / 5000 ))
RANGE_MS=$(( MEAN_MS * 3 / 2 ))
(( RANGE_MS >= 20 )) || RANGE_MS=20

ROUNDS=0 KILLED=0 COMPLETED=0 RACED=0 OTHER=0 STALE_LOCKS=0 STALE_LOCK_ROUND="" STALE_LOCK_EFFECT=""
while (( KILLED < KILLS )); do
  (( ROUNDS < MAX_ROUNDS )) || fail "only $KILLED of $ROUNDS rounds were killed (mean add ${MEAN_MS} ms, delays up to ${RANGE_MS} ms)"
  ROUNDS=$((ROUNDS + 1))
  delay=$(( RANDOM % RANGE_MS + 1 ))  # timeout 0 would mean no timeout
  status=0
  timeout --foreground -s KILL "$(printf '%d.%03d' $((delay / 1000)) $((delay % 1000)))" \
    "$TACIT" note add "f.txt:$(( ROUNDS % 50 + 1 ))" -m "crash round $ROUNDS" \
    >"$WORK/out" 2>"$WORK/err" || status=$?
  case $status in
    0)
      COMPLETED=$((COMPLETED + 1))
      grep -Eq '^[0-9a-f]{32}$' "$WORK/out" && [[ $(wc -l <"$WORK/out") -eq 1 ]] ||
        problem "round $ROUNDS exited 0 but printed: $(head -c 200 "$WORK/out")"
      cat "$WORK/out" >>"$WORK/acked"
      ;;
    137)
      KILLED=$((KILLED + 1))
      # A lock file left behind by the kill: the next uninterrupted write
      # must still succeed (tacit removes locks too old to be held by a
      # live writer), and leave no lock behind.
      mapfile -t LOCKS < <(find .git -name '*.lock')
      if (( ${#LOCKS[@]} > 0 )); then
        STALE_LOCKS=$((STALE_LOCKS + 1))
        T1=$(now_us)
        status=0
        "$TACIT" note add f.txt:1 -m "after a stale lock" >"$WORK/out" 2>"$WORK/err" || status=$?
        if [[ $status -eq 0 ]]; then
          cat "$WORK/out" >>"$WORK/acked"
        else
          problem "round $ROUNDS (killed after $delay ms) left ${LOCKS[*]}; the next note add failed after $(( ($(now_us) - T1) / 1000 )) ms: $(head -c 300 "$WORK/err")"
        fi
        mapfile -t LEFT < <(find .git -name '*.lock')
        (( ${#LEFT[@]} == 0 )) || problem "after round $ROUNDS the lock ${LEFT[*]} was still there after a successful write"
        rm -f "${LEFT[@]}"
      fi
      ;;
    124)
      # The timer fired as tacit was exiting on its own: its status is lost.
      # A printed id is still an acknowledgement the user saw.
      RACED=$((RACED + 1))
      grep -Eq '^[0-9a-f]{32}$' "$WORK/out" && cat "$WORK/out" >>"$WORK/acked"
      ;;
    *)
      OTHER=$((OTHER + 1))
      (( OTHER <= 5 )) && problem "round $ROUNDS was not killed but failed (status $status): $(head -c 300 "$WORK/err")"
      ;;
  esac
done
(( OTHER > 5 )) && problem "$OTHER rounds in all were not killed but failed"
(( STALE_LOCKS > 0 )) && echo "note: $STALE_LOCKS of $KILLED kills left a ref lock behind; the next write removed it each time"

# The store still takes writes after all those crashes.
status=0
"$TACIT" note add f.txt:1-2 -m "after the crashes" >"$WORK/out" 2>"$WORK/err" || status=$?
if [[ $status -eq 0 ]]; then
  cat "$WORK/out" >>"$WORK/acked"
else
  problem "an uninterrupted note add after the crashes failed (status $status): $(head -c 300 "$WORK/err")"
fi

sort -u "$WORK/acked" >"$WORK/acked.sorted"
"$TACIT" list --json >"$WORK/before.json" 2>"$WORK/err" || fail "tacit list --json failed: $(cat "$WORK/err")"
jq -r '.[].id' "$WORK/before.json" | sort >"$WORK/before.ids"
MISSING=$(comm -23 "$WORK/acked.sorted" "$WORK/before.ids")
[[ -z $MISSING ]] && true || problem "$(echo "$MISSING" | wc -l) acknowledged id(s) are not listed: $(echo "$MISSING" | head -n 3 | tr '\n' ' ')"
[[ $(sort -u "$WORK/before.ids" | wc -l) -eq $(wc -l <"$WORK/before.ids") ]] || problem "tacit list --json lists an id twice"

# Dangling commits are expected (appends killed, or beaten to the compare-and-swap).
git fsck --strict --no-progress --no-dangling >"$WORK/fsck.out" 2>&1 || problem "git fsck --strict failed: $(head -n 5 "$WORK/fsck.out")"
grep -Ev '^(notice|Checking)' "$WORK/fsck.out" >"$WORK/fsck.bad" && problem "git fsck --strict reported: $(head -n 5 "$WORK/fsck.bad")"

drop_index() { rm -f .git/tacit/index.sqlite .git/tacit/index.sqlite-wal .git/tacit/index.sqlite-shm .git/tacit/index.sqlite-journal; }
drop_index
"$TACIT" list --json >"$WORK/after.json" 2>"$WORK/err" || fail "tacit list --json after deleting the index failed: $(cat "$WORK/err")"
jq -r '.[].id' "$WORK/after.json" | sort >"$WORK/after.ids"
cmp -s "$WORK/before.ids" "$WORK/after.ids" ||
  problem "the rebuilt index lists other ids: $(comm -3 "$WORK/before.ids" "$WORK/after.ids" | head -n 5 | tr '\n' ' ')"
cmp -s "$WORK/before.json" "$WORK/after.json" || problem "the rebuilt index's tacit list --json differs: $(diff "$WORK/before.json" "$WORK/after.json" | head -n 6 | tr '\n' ' ')"

# A first build killed part way (it writes with a rollback journal, then
# switches to WAL): whatever the kill left, the next command lists the same
# bytes, and the file is in WAL mode again.
T0=$(now_us)
for i in 1 2 3; do drop_index; "$TACIT" list --json >/dev/null; done
BUILD_MS=$(( ($(now_us) - T0) / 3000 ))
BUILD_RANGE_MS=$(( BUILD_MS * 3 / 2 ))
(( BUILD_RANGE_MS >= 10 )) || BUILD_RANGE_MS=10
BUILD_KILLS=0 BUILD_ROUNDS=0 HOT_JOURNALS=0
while (( BUILD_KILLS < 30 )); do
  (( BUILD_ROUNDS < 300 )) || fail "only $BUILD_KILLS of $BUILD_ROUNDS first builds were killed (a build takes ~${BUILD_MS} ms)"
  BUILD_ROUNDS=$((BUILD_ROUNDS + 1))
  drop_index
  delay=$(( RANDOM % BUILD_RANGE_MS + 1 ))
  status=0
  timeout --foreground -s KILL "$(printf '%d.%03d' $((delay / 1000)) $((delay % 1000)))" \
    "$TACIT" list --json >/dev/null 2>"$WORK/err" || status=$?
  [[ $status -eq 137 ]] && BUILD_KILLS=$((BUILD_KILLS + 1))
  [[ -s .git/tacit/index.sqlite-journal ]] && HOT_JOURNALS=$((HOT_JOURNALS + 1))  # killed inside the build's transaction
  [[ $status -eq 0 || $status -eq 137 || $status -eq 124 ]] || problem "a first build was not killed but failed (status $status): $(head -c 300 "$WORK/err")"
  "$TACIT" list --json >"$WORK/after-kill.json" 2>"$WORK/err" || fail "tacit list --json after a killed first build failed: $(cat "$WORK/err")"
  cmp -s "$WORK/before.json" "$WORK/after-kill.json" ||
    problem "after a first build killed at ${delay} ms, tacit list --json differs: $(diff "$WORK/before.json" "$WORK/after-kill.json" | head -n 4 | tr '\n' ' ')"
done
MODE=$(python3 -c "import sqlite3; print(sqlite3.connect('.git/tacit/index.sqlite').execute('PRAGMA journal_mode').fetchone()[0])" 2>&1) || true
[[ $MODE == wal ]] || problem "after the killed first builds the index's journal mode is '$MODE', expected wal"

LISTED=$(wc -l <"$WORK/before.ids")
[[ ${#PROBLEMS[@]} -eq 0 ]] || fail "${#PROBLEMS[@]} problem(s), see above"
echo "crash_safety: $ROUNDS rounds, $KILLED killed by SIGKILL within 1-${RANGE_MS} ms (an add takes ~${MEAN_MS} ms), $COMPLETED completed, $RACED finished as the kill came -> all $(wc -l <"$WORK/acked.sorted") acknowledged ids among the $LISTED listed, store still writable, fsck --strict clean, rebuilt index lists the same; $BUILD_KILLS of $BUILD_ROUNDS first builds killed (~${BUILD_MS} ms each; $HOT_JOURNALS inside its transaction), each followed by the same list"
