#!/usr/bin/env bash
# Validates Kubernetes manifests against the Kubernetes API's schemas with
# tests/kubernetes/validate.mjs: deploy/kubernetes/ must be valid, and each
# file of tests/kubernetes/broken/ rejected for the reason it names.
#
# Usage: tests/kubernetes/validate.sh [--broken] PACKAGE_DIR FILE_OR_DIR...
#   PACKAGE_DIR holds node_modules with kubernetes-models (the JSON schemas
#   of Kubernetes' objects, compiled from its OpenAPI document, and their
#   TypeScript declarations), typescript and yaml. `make kubernetes-schema`
#   installs them there (build/kubernetes-schema); when they are missing this
#   script installs them the same way, which needs the npm registry once.
#   Nothing is installed globally.
set -euo pipefail

# Pinned: kubernetes-models 5.1.0 has the objects of Kubernetes 1.35
# (the preStop sleep action, autoscaling/v2, policy/v1). It asks for node 22
# and runs on the node 20 of this project's machines (npm warns EBADENGINE).
PACKAGES=(kubernetes-models@5.1.0 typescript@6.0.3 yaml@2.9.1)

broken=()
if [[ "${1:-}" == --broken ]]; then
  broken=(--broken)
  shift
fi
if [[ $# -lt 2 ]]; then
  echo "usage: $0 [--broken] PACKAGE_DIR FILE_OR_DIR..." >&2
  exit 2
fi
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
package_dir="$1"
shift

for tool in node npm; do
  if ! command -v "$tool" >/dev/null; then
    echo "validate.sh: $tool not found; install Node.js (Debian: apt-get install nodejs npm)" >&2
    exit 1
  fi
done
for package in kubernetes-models typescript yaml; do
  if [[ ! -f "$package_dir/node_modules/$package/package.json" ]]; then
    mkdir -p "$package_dir"
    npm install --prefix "$package_dir" --no-audit --no-fund --no-save --no-update-notifier "${PACKAGES[@]}" >&2
    break
  fi
done
exec node "$here/validate.mjs" "${broken[@]}" "$package_dir/node_modules" "$@"
