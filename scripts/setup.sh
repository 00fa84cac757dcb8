#!/usr/bin/env bash
# Sets up everything the toolset and its tests need on a Debian machine that has only
# Node 20 and npm: system packages, pnpm, dependencies, the build. Idempotent, and quick
# when everything is already in place.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf 'setup: %s\n' "$*" >&2; }

# 20.19 is the first Node 20 that can require() an ES module (yargs 18 is ESM-only).
node_ok=$(node -p 'const [a, b] = process.versions.node.split(".").map(Number); a > 20 || (a === 20 && b >= 19) ? 1 : 0' 2>/dev/null || echo 0)
if [ "$node_ok" != 1 ]; then
  say "Node.js 20.19 or newer is required (found: $(node -v 2>/dev/null || echo none))"
  exit 2
fi

# System programs the tools drive and the tests use for real.
need_packages=()
command -v rclone >/dev/null 2>&1 || need_packages+=(rclone)
command -v mariadbd >/dev/null 2>&1 || [ -x /usr/sbin/mariadbd ] || need_packages+=(mariadb-server)
command -v mysqldump >/dev/null 2>&1 || need_packages+=(mariadb-client)
command -v bsdtar >/dev/null 2>&1 || need_packages+=(libarchive-tools)
command -v xz >/dev/null 2>&1 || need_packages+=(xz-utils)
command -v ncdu >/dev/null 2>&1 || need_packages+=(ncdu)
# The HTML reports are tested in a real browser: playwright-core drives Debian's Chromium.
[ -x /usr/bin/chromium ] || need_packages+=(chromium)
command -v rsync >/dev/null 2>&1 || need_packages+=(rsync)
[ -x /usr/sbin/sshd ] || need_packages+=(openssh-server)
command -v ssh >/dev/null 2>&1 || need_packages+=(openssh-client)
command -v dpkg-deb >/dev/null 2>&1 || need_packages+=(dpkg)
command -v rpmbuild >/dev/null 2>&1 || need_packages+=(rpm)
# promtool checks the nightly runner's Prometheus metrics file (Debian ships it in prometheus, ~19 MB)
command -v promtool >/dev/null 2>&1 || need_packages+=(prometheus)
# Backblaze's own B2 command-line tool, run against the emulator (test/b2-cli.test.ts)
[ -x /usr/bin/backblaze-b2 ] || need_packages+=(backblaze-b2)
if [ "${#need_packages[@]}" -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ]; then
    say "installing ${need_packages[*]} with apt-get"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${need_packages[@]}" >/dev/null
  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    say "installing ${need_packages[*]} with sudo apt-get"
    sudo DEBIAN_FRONTEND=noninteractive apt-get update -qq
    sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need_packages[@]}" >/dev/null
  else
    say "missing system packages: ${need_packages[*]}"
    say "install them as root: apt-get install ${need_packages[*]}"
    exit 2
  fi
fi

# pnpm: corepack cannot fetch it here, so install it with npm (globally when allowed,
# otherwise into a project-local prefix).
if ! command -v pnpm >/dev/null 2>&1; then
  if ! npm install -g --silent pnpm@10 >/dev/null 2>&1; then
    npm install --silent --prefix .tools pnpm@10 >/dev/null
  fi
fi
if ! command -v pnpm >/dev/null 2>&1; then export PATH="$PWD/.tools/node_modules/.bin:$PATH"; fi

export TURBO_TELEMETRY_DISABLED=1
pnpm install --frozen-lockfile --prefer-offline --reporter=silent
pnpm exec turbo run build --output-logs=errors-only
say "ready: tools are linked in node_modules/.bin (pnpm exec TOOL or npx TOOL)"
