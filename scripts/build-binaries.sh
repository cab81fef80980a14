#!/usr/bin/env bash
# Builds the pinned Fabric, Fabric CA and Kubo binaries with Go into the per-user cache
# (never inside the clone), once per version. Binaries already on PATH that report the
# pinned version are linked instead of rebuilt.
set -euo pipefail
PROJECT_DIR="$(cd "$(dirname "$0")/.." && pwd)"
NETWORK_DIR="$PROJECT_DIR/fabric-network"
source "$PROJECT_DIR/scripts/lib/services.sh"
source "$PROJECT_DIR/scripts/lib/binaries.sh"

# family  version-command-output-must-contain  commands...
build_family() {
  local family=$1 version=$2 bindir=$3 cgo=$4 ldflags=$5; shift 5
  local tools_dir="$NETWORK_DIR/tools/$family"
  local stamp="$bindir/.built-from"
  local want; want="$(cat "$tools_dir/go.mod" "$tools_dir/go.sum" | sha256sum | cut -c1-16)"
  if [[ -f $stamp && "$(cat "$stamp")" == "$want" ]] && all_present "$bindir" "$@"; then
    return 0
  fi
  if link_from_path "$bindir" "$version" "$@"; then
    log "$family $version: using binaries found on PATH"
    return 0
  fi
  command -v go >/dev/null || die "Go is needed to build $family $version (install Go >= 1.24, e.g. 'apt-get install golang' or from go.dev), or put its binaries ($*) of version $version on PATH."
  log "building $family $version into $bindir (first time only)"
  local start=$SECONDS tmp="$bindir.tmp.$$"
  rm -rf "$tmp"; mkdir -p "$tmp"
  local pkgs=() cmd
  for cmd in "$@"; do pkgs+=("$(tool_package "$tools_dir" "$cmd")"); done
  (cd "$tools_dir" && CGO_ENABLED=$cgo go build -trimpath -ldflags "$ldflags" -o "$tmp/" "${pkgs[@]}")
  if [[ $family == fabric ]]; then
    # The peer and orderer read their defaults from the sample configuration of the same
    # release; the scripts override what this network needs through the environment.
    local module_dir; module_dir="$(cd "$tools_dir" && go list -m -f '{{.Dir}}' github.com/hyperledger/fabric)"
    mkdir -p "$tmp/config"
    cp "$module_dir/sampleconfig/core.yaml" "$module_dir/sampleconfig/orderer.yaml" "$tmp/config/"
    chmod u+w "$tmp/config/"*
  fi
  echo "$want" >"$tmp/.built-from"
  rm -rf "$bindir"; mv "$tmp" "$bindir"
  log "$family $version built in $((SECONDS - start)) s"
}

all_present() {
  local dir=$1; shift
  local cmd; for cmd in "$@"; do [[ -x "$dir/$cmd" ]] || return 1; done
}

# The package of a command, as declared by a `tool` directive of the wrapper module.
tool_package() {
  local pkg
  pkg="$(grep -oE "[^[:space:]\"]+/cmd/$2\b" "$1/go.mod" | head -n1)"
  [[ -n $pkg ]] || die "no tool directive for $2 in $1/go.mod"
  printf '%s' "$pkg"
}

link_from_path() {
  local bindir=$1 version=$2; shift 2
  local cmd path
  for cmd in "$@"; do
    path="$(command -v "$cmd" 2>/dev/null)" || return 1
    [[ "$path" == "$bindir/$cmd" ]] && return 1
    "$path" version 2>/dev/null | grep -q "$version" || return 1
  done
  mkdir -p "$bindir"
  for cmd in "$@"; do ln -sf "$(command -v "$cmd")" "$bindir/$cmd"; done
}

families=("${@:-fabric fabric-ca kubo}")
for family in ${families[*]}; do
  case $family in
    fabric)
      build_family fabric "$FABRIC_VERSION" "$FABRIC_BIN" 0 \
        "-X github.com/hyperledger/fabric/common/metadata.Version=$FABRIC_VERSION" \
        peer orderer configtxgen configtxlator osnadmin ;;
    fabric-ca)
      build_family fabric-ca "$FABRIC_CA_VERSION" "$FABRIC_CA_BIN" 1 \
        "-X github.com/hyperledger/fabric-ca/lib/metadata.Version=$FABRIC_CA_VERSION" \
        fabric-ca-server fabric-ca-client ;;
    kubo)
      build_family kubo "$KUBO_VERSION" "$KUBO_BIN" 0 "" ipfs ;;
    *) die "unknown binary family '$family' (fabric, fabric-ca, kubo)" ;;
  esac
done
