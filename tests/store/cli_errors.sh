#!/usr/bin/env bash
# CLI errors: each goes to stderr as one line starting "tacit: " (docs/cli.md),
# the status is non-zero, stdout is empty, and nothing stored changes (the
# tacit refs of the repository and of its private store, and tacit.replica,
# compared before and after). Cases, first on a repository where tacit has
# stored nothing yet, then again once it holds notes:
#   outside a git repository; an unknown id; an id that is not hex; a path
#   outside the repository (../x:1, an absolute path); lines past the end;
#   START > END; line 0; no identity (user.name/email unset, HOME isolated,
#   GIT_CONFIG_NOSYSTEM=1); --at with an unknown revision; an unknown remote
#   for sync (named, and the default origin when there is none);
# and, once notes exist, an ambiguous 4-character id prefix (notes are added
# until two ids share their first 4 characters).
#
# usage: cli_errors.sh path/to/tacit
set -euo pipefail
source "$(dirname "$0")/lib.sh"
store_test_setup cli_errors "$@"

REPO=$WORK/repo
git init -q "$REPO"
for line in $(seq 1 10); do echo "line $line"; done >"$REPO/a.txt"
git -C "$REPO" add a.txt
git -C "$REPO" -c user.name=Seed -c user.email=seed@example.com commit -qm seed
git -C "$REPO" config user.name "Erin Error"
git -C "$REPO" config user.email "erin@example.com"
echo "outside" >"$WORK/x"
mkdir -p "$WORK/outside"
if git -C "$WORK/outside" rev-parse --git-dir >/dev/null 2>&1; then
  fail "cannot test 'outside a git repository': $WORK/outside is inside one ($(git -C "$WORK/outside" rev-parse --absolute-git-dir))"
fi

# What tacit has stored: its refs, its private store's refs, the replica id.
stored() {
  git -C "$REPO" for-each-ref --format='%(refname) %(objectname)' refs/tacit
  if [[ -d $REPO/.git/tacit/private.git ]]; then
    git -C "$REPO/.git/tacit/private.git" for-each-ref --format='private %(refname) %(objectname)'
  fi
  echo "tacit.replica=$(git -C "$REPO" config --get tacit.replica || true)"
}

CASES=0
# expect_error LABEL DIR ARGS...: tacit ARGS in DIR must fail cleanly.
expect_error() {
  local label=$1 dir=$2
  shift 2
  CASES=$((CASES + 1))
  local before after status=0
  before=$(stored)
  (cd "$dir" && "$TACIT" "$@") >"$WORK/out" 2>"$WORK/err" </dev/null || status=$?
  after=$(stored)
  local what="$label [$PHASE]: tacit $*"
  [[ $status -ne 0 ]] || problem "$what exited 0 (stdout: $(head -c 200 "$WORK/out"))"
  [[ ! -s $WORK/out ]] || problem "$what printed on stdout: $(head -c 200 "$WORK/out")"
  if [[ ! -s $WORK/err ]]; then
    problem "$what printed nothing on stderr"
  elif [[ $(wc -l <"$WORK/err") -ne 1 ]] || ! head -n 1 "$WORK/err" | grep -q '^tacit: '; then
    problem "$what: stderr is not one line starting 'tacit: ': $(head -c 300 "$WORK/err" | tr '\n' '|')"
  fi
  [[ $before == "$after" ]] || problem "$what changed what is stored: before [$before] after [$after]"
  [[ $status -ne 0 ]] && ERRORS+=("$label: $(head -n 1 "$WORK/err")")
  return 0
}

no_identity_possible() {
  # libgit2 may read the system config even with GIT_CONFIG_NOSYSTEM=1.
  [[ -z $(env -u GIT_CONFIG_NOSYSTEM git config --system --get user.name 2>/dev/null || true) &&
     -z $(env -u GIT_CONFIG_NOSYSTEM git config --system --get user.email 2>/dev/null || true) ]]
}
IDENTITY_NOTE=""

all_cases() {
  local unknown=0123456789abcdef0123456789abcdef unknown_prefix=fffe n=65534
  # A 4-digit prefix no stored id has.
  while [[ -n ${BY_PREFIX[$unknown_prefix]:-} ]]; do n=$((n - 1)); unknown_prefix=$(printf '%04x' "$n"); done
  expect_error "outside a git repository (note add)" "$WORK/outside" note add x:1 -m "hi"
  expect_error "outside a git repository (list)" "$WORK/outside" list --json
  expect_error "outside a git repository (sync)" "$WORK/outside" sync
  [[ ! -e $WORK/outside/.git ]] || problem "a command outside a repository created $WORK/outside/.git"
  expect_error "unknown id (reply)" "$REPO" reply "$unknown" -m "hello?"
  expect_error "unknown id (show)" "$REPO" show "$unknown"
  expect_error "unknown id prefix (resolve)" "$REPO" resolve "$unknown_prefix"
  expect_error "unknown id (delete)" "$REPO" delete "$unknown"
  expect_error "id that is not hex" "$REPO" ack "zz-not-an-id"
  expect_error "id prefix too short" "$REPO" show abc
  expect_error "path outside the repository" "$REPO" note add ../x:1 -m "outside"
  expect_error "absolute path outside the repository" "$REPO" note add "$WORK/x:1" -m "outside"
  expect_error "path outside the repository (ask)" "$REPO" ask ../x:1 -m "outside?"
  expect_error "no such file" "$REPO" note add nosuchfile.txt:1 -m "missing"
  expect_error "lines past the end" "$REPO" note add a.txt:11 -m "past the end"
  expect_error "range past the end" "$REPO" note add a.txt:9-12 -m "past the end"
  expect_error "START > END" "$REPO" note add a.txt:5-3 -m "backwards"
  expect_error "line 0" "$REPO" note add a.txt:0 -m "zero"
  expect_error "--at unknown revision" "$REPO" note add a.txt:1 --at no-such-revision -m "when?"
  expect_error "--at unknown revision (ask)" "$REPO" ask a.txt:1 --at 0000000000000000000000000000000000000bad -m "when?"
  expect_error "unknown remote for sync" "$REPO" sync --remote no-such-remote
  expect_error "sync with no origin" "$REPO" sync

  if no_identity_possible; then
    git -C "$REPO" config --unset user.name
    git -C "$REPO" config --unset user.email
    expect_error "no identity (note add)" "$REPO" note add a.txt:1 -m "who am I?"
    expect_error "no identity (ask)" "$REPO" ask a.txt:1 -m "who am I?"
    if [[ -n ${FIRST_ID:-} ]]; then
      expect_error "no identity (reply)" "$REPO" reply "$FIRST_ID" -m "who am I?"
      expect_error "no identity (resolve)" "$REPO" resolve "$FIRST_ID"
    fi
    git -C "$REPO" config user.email "erin@example.com"
    expect_error "no user.name" "$REPO" note add a.txt:1 -m "who am I?"
    git -C "$REPO" config user.name "Erin Error"
  else
    IDENTITY_NOTE=" (no-identity cases skipped: the system git config sets user.name/user.email)"
    echo "cli_errors: NOTE: $IDENTITY_NOTE" >&2
  fi
}

ERRORS=()
declare -A BY_PREFIX=()  # 4-digit prefix -> the first id stored with it
PHASE="nothing stored yet"
all_cases
[[ -z $(git -C "$REPO" for-each-ref refs/tacit) ]] || problem "refs/tacit exists after only failed commands: $(git -C "$REPO" for-each-ref refs/tacit)"

# Notes until two ids share a 4-character prefix (~320 expected; bounded).
AMBIGUOUS=""
NOTES=0
while [[ -z $AMBIGUOUS ]]; do
  (( NOTES < 3000 )) || fail "3000 notes and no two ids share a 4-character prefix"
  NOTES=$((NOTES + 1))
  id=$(cd "$REPO" && "$TACIT" note add "a.txt:$(( NOTES % 10 + 1 ))" -m "note $NOTES" 2>"$WORK/err") ||
    fail "note add $NOTES failed: $(cat "$WORK/err")"
  [[ $id =~ ^[0-9a-f]{32}$ ]] || fail "note add printed '$id', not an id"
  FIRST_ID=${FIRST_ID:-$id}
  p=${id:0:4}
  if [[ -n ${BY_PREFIX[$p]:-} ]]; then AMBIGUOUS=$p; else BY_PREFIX[$p]=$id; fi
done

PHASE="$NOTES notes stored"
all_cases
expect_error "ambiguous id prefix (show)" "$REPO" show "$AMBIGUOUS"
expect_error "ambiguous id prefix (resolve)" "$REPO" resolve "$AMBIGUOUS"
expect_error "ambiguous id prefix (reply)" "$REPO" reply "$AMBIGUOUS" -m "which one?"
expect_error "ambiguous id prefix (delete)" "$REPO" delete "$AMBIGUOUS"
# The message names the problem (the prefix is ambiguous), not just any error.
grep -qi 'ambiguous' "$WORK/err" || problem "the ambiguous-prefix error does not say so: $(cat "$WORK/err")"
# ... and the same prefix one character longer works when it is unique.
LONGER=${BY_PREFIX[$AMBIGUOUS]:0:12}
(cd "$REPO" && "$TACIT" show "$LONGER" --json) >"$WORK/out" 2>"$WORK/err" ||
  problem "tacit show $LONGER (a unique prefix) failed: $(cat "$WORK/err")"

# Sanity: the cases fail for their own reason, not all for one.
[[ $(printf '%s\n' "${ERRORS[@]}" | sed 's/^[^:]*: //' | sort -u | wc -l) -ge 10 ]] ||
  problem "the errors are suspiciously alike: $(printf '%s\n' "${ERRORS[@]}" | sort -u | head -n 5 | tr '\n' '|')"

if [[ ${#PROBLEMS[@]} -gt 0 ]]; then
  echo "the messages seen:" >&2
  printf '  %s\n' "${ERRORS[@]}" | sort -u >&2
  fail "${#PROBLEMS[@]} problem(s), see above"
fi
echo "cli_errors: $CASES error cases (before and after $NOTES notes; ambiguous prefix $AMBIGUOUS) each failed with one 'tacit: ' line on stderr, empty stdout, nothing stored changed$IDENTITY_NOTE"
