#!/usr/bin/env bash
# The main job end to end on the bundled example. Called by `make demo` with the venv's bin dir.
set -euo pipefail
BIN=${1:-.venv/bin}
OUT=${2:-build/demo}
mkdir -p "$OUT"
cw() { echo; echo "\$ cloudwright $*"; "$BIN/cloudwright" "$@"; }

cw catalog stats
