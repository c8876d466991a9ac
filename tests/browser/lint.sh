#!/usr/bin/env bash
# Lints the page's files (service/web) with ESLint (app.js), stylelint
# (app.css) and html-validate (the HTML), each with its config in service/web.
# Exits non-zero on any problem.
#
# Usage: tests/browser/lint.sh [BUILD_DIR]
#   With BUILD_DIR, npm's cache (and so the packages npx fetches) lives in
#   BUILD_DIR/web-npm-cache; without it, in npm's own cache (~/.npm). Nothing
#   is installed globally. Needs node >= 18.18 and npm, and the npm registry
#   on the first run for a cache.
set -euo pipefail

ESLINT_VERSION=9.39.5
STYLELINT_VERSION=16.26.1
HTML_VALIDATE_VERSION=9.7.1

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source_dir="$(cd "$here/../.." && pwd)"

if [[ $# -gt 1 ]]; then
  echo "usage: $0 [BUILD_DIR]" >&2
  exit 2
fi
if [[ $# -eq 1 ]]; then
  mkdir -p "$1/web-npm-cache"
  export npm_config_cache="$(cd "$1/web-npm-cache" && pwd)"
fi

for tool in node npx; do
  if ! command -v "$tool" >/dev/null; then
    echo "lint.sh: $tool not found; install Node.js >= 18.18 (Debian: apt-get install nodejs npm)" >&2
    exit 1
  fi
done

export npm_config_update_notifier=false
export npm_config_audit=false
export npm_config_fund=false

cd "$source_dir/service/web"
status=0
npx --yes --prefer-offline "eslint@${ESLINT_VERSION}" --config eslint.config.mjs --max-warnings 0 app.js || status=1
npx --yes --prefer-offline "stylelint@${STYLELINT_VERSION}" --config .stylelintrc.json app.css || status=1
npx --yes --prefer-offline "html-validate@${HTML_VALIDATE_VERSION}" index.html report-frame.html || status=1
exit $status
