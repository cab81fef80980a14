#!/usr/bin/env bash
# The pinned versions of the native binaries the system runs, and where they are built: a
# per-user cache outside the clone, one folder per version (scripts/build-binaries.sh).
# Sourced, never run.

FABRIC_VERSION=3.1.1
FABRIC_CA_VERSION=1.5.15
KUBO_VERSION=0.39.0

MEDLEDGER_CACHE="${MEDLEDGER_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/medledger}"

FABRIC_BIN="$MEDLEDGER_CACHE/fabric-$FABRIC_VERSION/bin"
FABRIC_SAMPLE_CONFIG="$FABRIC_BIN/config"
FABRIC_CA_BIN="$MEDLEDGER_CACHE/fabric-ca-$FABRIC_CA_VERSION/bin"
KUBO_BIN="$MEDLEDGER_CACHE/kubo-$KUBO_VERSION/bin"
