#!/bin/sh
# Runs one Cairn service by name: api-gateway, git-protocol, git-storage, policy, repo-metadata.
set -eu
service="${1:?usage: cairn-service <service-name>}"
case "$service" in
  api-gateway|git-protocol|git-storage|policy|repo-metadata) ;;
  *) echo "unknown service: $service" >&2; exit 2 ;;
esac
exec node "/app/services/$service/dist/main.js"
