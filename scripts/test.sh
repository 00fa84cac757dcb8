#!/usr/bin/env bash
# Sets everything up, then runs every test of every package against the real programs.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
if ! command -v pnpm >/dev/null 2>&1; then export PATH="$PWD/.tools/node_modules/.bin:$PATH"; fi
export TURBO_TELEMETRY_DISABLED=1
node scripts/run-tests.mjs
