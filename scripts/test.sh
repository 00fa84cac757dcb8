#!/usr/bin/env bash
# Sets everything up, then runs every test of every package against the real programs.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
if ! command -v pnpm >/dev/null 2>&1; then export PATH="$PWD/.tools/node_modules/.bin:$PATH"; fi
export TURBO_TELEMETRY_DISABLED=1
# Static checks first (docs/development.md): a type error or a lint finding fails the run.
step() { local started=$SECONDS; printf '\n=== %s ===\n' "$*"; "$@"; printf '=== %s: ok in %ss ===\n' "$*" $((SECONDS - started)); }
step pnpm run --silent typecheck
step pnpm run --silent lint
node scripts/run-tests.mjs
