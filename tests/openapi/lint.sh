#!/usr/bin/env bash
# Lints docs/openapi.json with Redocly CLI (a real OpenAPI 3.1 validator:
# structure, $refs, and every example against its schema) using
# tests/openapi/redocly.yaml. Exits non-zero on any problem.
#
# Usage: tests/openapi/lint.sh [BUILD_DIR]
#   With BUILD_DIR, npm's cache (and so the Redocly package npx fetches) lives
#   in BUILD_DIR/openapi-npm-cache; without it, in npm's own cache (~/.npm).
#   Nothing is installed globally. Needs node >= 18.17 and npm >= 9.5, and the
#   npm registry on the first run for a cache.
set -euo pipefail

# Pinned: 1.34.21, the newest 1.x, cannot be installed (its dependency
# @redocly/respect-core@1.34.21 is not on the registry), so "@1" fails.
REDOCLY_VERSION=1.34.20

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source_dir="$(cd "$here/../.." && pwd)"

if [[ $# -gt 1 ]]; then
  echo "usage: $0 [BUILD_DIR]" >&2
  exit 2
fi
if [[ $# -eq 1 ]]; then
  mkdir -p "$1/openapi-npm-cache"
  export npm_config_cache="$(cd "$1/openapi-npm-cache" && pwd)"
fi

for tool in node npx; do
  if ! command -v "$tool" >/dev/null; then
    echo "lint.sh: $tool not found; install Node.js >= 18.17 (Debian: apt-get install nodejs npm)" >&2
    exit 1
  fi
done

# No telemetry, no update check, no audit or funding requests.
export REDOCLY_TELEMETRY=off
export REDOCLY_SUPPRESS_UPDATE_NOTICE=true
export npm_config_update_notifier=false
export npm_config_audit=false
export npm_config_fund=false

cd "$source_dir"
exec npx --yes --prefer-offline "@redocly/cli@${REDOCLY_VERSION}" lint \
  --config tests/openapi/redocly.yaml --format stylish docs/openapi.json
