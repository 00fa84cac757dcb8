#!/usr/bin/env bash
# Sets everything up, then runs the main job: the whole toolset end to end against a
# local B2 emulator (no credentials, no network).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
node scripts/demo.mjs "$@"
