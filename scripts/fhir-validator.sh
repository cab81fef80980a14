#!/usr/bin/env bash
# The FHIR R4 validator of the test suites (test/support/fhir-validator.ts): HAPI FHIR's validator,
# pinned in test/fhir-validator/pom.xml, its jars from Maven Central, behind the small HTTP server
# of test/fhir-validator/src. Built into the per-user cache, one folder per content of the pom and
# the sources (a change builds a new one), holding classes/ and lib/; nothing is written into the
# working copy.
#
#   fhir-validator.sh ensure   build it when missing; print its folder (and nothing else on stdout)
#   fhir-validator.sh path     print its folder when built (exit 1 when not)
#
# Needs a JDK >= 17 (java, javac) and Maven (mvn); Maven Central is its only download.
set -euo pipefail

PROJECT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SOURCE_DIR="$PROJECT_DIR/test/fhir-validator"
MEDLEDGER_CACHE="${MEDLEDGER_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/medledger}"

fail() {
  printf 'error: %s\n' "$*" >&2
  exit 1
}

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

# The folder of a build under way: removed however the script ends (but SIGKILL, see prune).
# Bash runs the EXIT trap on a signal only when that signal is trapped too.
BUILD_TMP=""
trap '[[ -z $BUILD_TMP ]] || rm -rf "$BUILD_TMP"' EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM

# A digest of the pom and every source file, names included.
source_hash() {
  (
    cd "$SOURCE_DIR"
    find pom.xml src -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum
  ) | sha256sum | cut -c1-16
}

[[ -f $SOURCE_DIR/pom.xml ]] || fail "$SOURCE_DIR/pom.xml is missing"
VALIDATOR_DIR="$MEDLEDGER_CACHE/fhir-validator-$(source_hash)"

# A folder only ever appears complete (see build), so being there is being built.
built() {
  [[ -d $VALIDATOR_DIR/classes && -d $VALIDATOR_DIR/lib ]]
}

# Maven copies the pom's dependencies into lib/ (from ~/.m2, or Maven Central when missing);
# Maven Central has its bad moments, so a failed copy is tried once more.
copy_dependencies() {
  local lib="$1" attempt
  for attempt in 1 2; do
    rm -rf "$lib"
    # In the build folder, so that nothing Maven might leave lands in the working copy; its
    # stdout too goes to stderr (this script's stdout is only the path).
    if (cd "$(dirname "$lib")" && mvn -B -q -Dstyle.color=never -f "$SOURCE_DIR/pom.xml" \
      dependency:copy-dependencies -DoutputDirectory="$lib" >&2); then
      return 0
    fi
    ((attempt == 2)) && return 1
    log "copying the validator's jars failed; trying once more"
    sleep 5
  done
}

build() {
  local tool
  for tool in java javac mvn; do
    command -v "$tool" >/dev/null || fail "building the FHIR validator needs $tool (a JDK >= 17 and Maven)"
  done
  mkdir -p "$MEDLEDGER_CACHE"
  # Built beside its final place and renamed into it at the end: an interrupted build never
  # leaves a half-made folder that would pass for a built one.
  local tmp had_target=false
  tmp="$(mktemp -d "$MEDLEDGER_CACHE/.fhir-validator-build.XXXXXX")"
  BUILD_TMP="$tmp"
  [[ -e $SOURCE_DIR/target ]] && had_target=true
  log "building the FHIR validator (HAPI FHIR, jars from Maven Central) into $VALIDATOR_DIR"
  copy_dependencies "$tmp/lib" || fail "Maven could not fetch the FHIR validator's jars (see the output above)"
  # copy-dependencies writes no target/ folder today; should a Maven version do, it goes.
  [[ $had_target == true ]] || rm -rf "$SOURCE_DIR/target"
  local sources=()
  mapfile -t sources < <(find "$SOURCE_DIR/src/main/java" -name '*.java' | LC_ALL=C sort)
  ((${#sources[@]} > 0)) || fail "no Java sources under $SOURCE_DIR/src/main/java"
  javac --release 17 -encoding UTF-8 -cp "$tmp/lib/*" -d "$tmp/classes" "${sources[@]}" >&2 ||
    fail "javac could not compile the FHIR validator (see the output above)"
  # Another run may have finished the same build meanwhile: its folder is as good as ours.
  if ! mv -T "$tmp" "$VALIDATOR_DIR" 2>/dev/null; then
    built || fail "could not move the FHIR validator into $VALIDATOR_DIR"
  fi
  log "FHIR validator built"
}

# Builds of sources that changed since pile up: the ones not used for a week go, and so do the
# leftovers of builds killed outright (SIGKILL skips the EXIT trap).
prune() {
  find "$MEDLEDGER_CACHE" -mindepth 1 -maxdepth 1 -type d \
    \( -name 'fhir-validator-*' -mtime +7 -o -name '.fhir-validator-build.*' -mmin +120 \) \
    -exec rm -rf {} + 2>/dev/null || true
}

ensure() {
  if built; then
    touch "$VALIDATOR_DIR" # in use: not pruned
  else
    prune
    build
  fi
  echo "$VALIDATOR_DIR"
}

case "${1:-}" in
  ensure) ensure ;;
  path)
    built || exit 1
    echo "$VALIDATOR_DIR"
    ;;
  *)
    echo "usage: $0 ensure|path" >&2
    exit 2
    ;;
esac
