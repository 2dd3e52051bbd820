#!/usr/bin/env bash
# The one set-up script. On a fresh Debian 12 machine:
#
#   ./setup.sh          install what is missing (apt), build, run the main job
#   ./setup.sh test     install, build, run every test (CTest, the fuzzers for
#                       60 + 30 s, the benchmark); this is what .ci/run runs
#   ./setup.sh build    install and build only
#   ./setup.sh bench    build and run the benchmarks (didChange, the plugin host, the inline
#                       features, the store, anchors)
#   ./setup.sh fuzz [SECONDS]   build and run the libFuzzer targets (default 60, and half
#                               that for event decoding)
#
# Environment: BUILD_DIR (default build), JOBS (default: number of cores).
set -euo pipefail

cd "$(dirname "$0")"
ROOT=$PWD
BUILD_DIR=${BUILD_DIR:-build}
FUZZ_DIR=${FUZZ_DIR:-build-fuzz}
JOBS=${JOBS:-$(nproc)}

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
die() { printf 'setup.sh: %s\n' "$*" >&2; exit 1; }

# Debian packages, by what needs them.
BUILD_PACKAGES=(g++ cmake ninja-build pkg-config git ccache
  libboost-dev libboost-filesystem-dev nlohmann-json3-dev libgit2-dev libsqlite3-dev
  libcli11-dev catch2 libjemalloc-dev libsimdjson-dev
  python3)  # the shipped extensions (owners, chat) and their tests
FUZZ_PACKAGES=(clang-14 libfuzzer-14-dev libclang-rt-14-dev)
TEST_PACKAGES=(jq  # the store scripts read `tacit list --json`
  neovim)  # tests/neovim: the plugin in a real headless Neovim (Debian 12: 0.7.2)

install_packages() {
  local missing=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  step "installing ${missing[*]}"
  local sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || die "need root or sudo to install: ${missing[*]}"
    sudo=(sudo)
  fi
  "${sudo[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

build() {
  install_packages "${BUILD_PACKAGES[@]}"
  step "building into $BUILD_DIR"
  cmake -S "$ROOT" -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
  cmake --build "$BUILD_DIR" -j "$JOBS"
}

# The main job: `tacit demo` — two teammates' clones of a throwaway
# repository, the knowledge they share through git, and what an editor shows.
main_job() {
  local tacit="$BUILD_DIR/bin/tacit"
  step "tacit --version"
  "$tacit" --version
  step "tacit demo"
  "$tacit" demo
}

run_tests() {
  install_packages "${TEST_PACKAGES[@]}"
  # Microsoft's SARIF Multitool checks `tacit report --format sarif` (tests/report): a
  # self-contained binary from npm (104 MB), installed once into the build folder.
  local multitool="$BUILD_DIR/npm/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool"
  if [ ! -f "$multitool" ]; then
    command -v npm >/dev/null || die "npm is needed to install the SARIF Multitool (tests/report)"
    step "installing the SARIF Multitool 5.7.0 (npm)"
    npm_config_yes=true npm install --prefix "$BUILD_DIR/npm" --no-audit --no-fund --loglevel=error \
      @microsoft/sarif-multitool-linux@5.7.0 >/dev/null
  fi
  chmod u+x "$multitool"  # npm 11 skips the package's postinstall, which would do it
  editors/vscode/scripts/install-test-deps.sh "$BUILD_DIR"  # tests/vscode: Chromium, code-server, npm packages
  step "ctest (unit and transcript tests)"
  ctest --test-dir "$BUILD_DIR" --no-tests=error --output-on-failure -j "$JOBS"
}

# $1: a target in $FUZZ_DIR/bin, $2: seconds, $3: dictionary, $4: seeds.
# New inputs go to $FUZZ_DIR/corpus-<target>; the seeds stay as they are.
fuzz_target() {
  local target=$1 seconds=$2 dict=$3 seeds=$4
  local corpus="$FUZZ_DIR/corpus-$target" log="$FUZZ_DIR/$target.log"
  mkdir -p "$corpus" "$FUZZ_DIR/artifacts"
  if ! "$FUZZ_DIR/bin/$target" -max_total_time="$seconds" -print_final_stats=1 \
      -dict="$dict" -artifact_prefix="$FUZZ_DIR/artifacts/" "$corpus" "$seeds" >"$log" 2>&1; then
    tail -n 80 "$log"
    die "$target found a failure; the input is in $FUZZ_DIR/artifacts (full log: $log)"
  fi
  grep -E '^(Done|stat::number_of_executed_units|stat::new_units_added|stat::peak_rss_mb)' "$log"
}

# $1: seconds for framing + dispatch; event decoding gets half as long.
fuzz() {
  local seconds=${1:-60}
  install_packages "${FUZZ_PACKAGES[@]}"
  step "building the fuzzers into $FUZZ_DIR"
  CC=clang-14 CXX=clang++-14 cmake -S "$ROOT" -B "$FUZZ_DIR" -G Ninja -DTACIT_FUZZ=ON \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
  cmake --build "$FUZZ_DIR" -j "$JOBS" --target tacit-fuzz-framing-dispatch tacit-fuzz-event-decode
  step "fuzzing framing + dispatch for $seconds s"
  fuzz_target tacit-fuzz-framing-dispatch "$seconds" tests/fuzz/lsp.dict tests/fuzz/corpus
  step "fuzzing event decoding (the two parsers agree) for $((seconds / 2)) s"
  fuzz_target tacit-fuzz-event-decode "$((seconds / 2))" tests/fuzz/events.dict tests/fuzz/events
}

# $1: requests of each kind for the features benchmark (CI runs fewer).
bench() {
  local feature_requests=${1:-1000}
  step "benchmark: didChange cost against document size"
  "$BUILD_DIR/bin/tacit-bench-didchange"
  step "benchmark: codeLens with built-in extensions only, and with three external ones"
  "$BUILD_DIR/bin/tacit-bench-host" "$BUILD_DIR/bin/tacit" 2000
  step "benchmark: codeLens, hover, inlayHint, didChange on a file with 1,000 threads among 100,000 events"
  "$BUILD_DIR/bin/tacit-bench-features" "$BUILD_DIR/bin/tacit" "$feature_requests"
}

store_bench() {
  step "benchmark: the knowledge store with 100,000 events from 20 replicas (a few minutes)"
  "$BUILD_DIR/bin/tacit-bench-store" "$BUILD_DIR/bin/tacit"
  step "benchmark: tacit report --format sarif beside tacit list --json on 100,000 events"
  "$BUILD_DIR/bin/tacit-bench-report" "$BUILD_DIR/bin/tacit"
}

anchor_bench() {
  step "benchmark: 1,000 anchors through 5,000 commits, against git log -L (a few minutes)"
  "$BUILD_DIR/bin/tacit-bench-anchor"
}

case "${1:-main}" in
  main) build; main_job ;;
  build) build ;;
  test) build; run_tests; fuzz 60; bench 300 ;;
  bench) build; bench; store_bench; anchor_bench ;;
  fuzz) build; fuzz "${2:-60}" ;;
  *) die "unknown command '$1' (use: main, test, build, bench, fuzz)" ;;
esac
