#!/usr/bin/env bash
# Creates the PostgreSQL password Secrets the chart's defaults and k8s/examples/cloudnative-pg
# expect (kubernetes.io/basic-auth: username, password), each with a random password. A Secret that
# exists is left alone, so running it again changes nothing.
#   scripts/k8s/create-secrets.sh [NAMESPACE]      (default: cairn)
set -euo pipefail
namespace="${1:-cairn}"

kubectl get namespace "$namespace" >/dev/null 2>&1 || kubectl create namespace "$namespace"
for user in policy repo_metadata pull_requests audit platform_metrics; do
  name="cairn-postgres-${user//_/-}"
  if kubectl -n "$namespace" get secret "$name" >/dev/null 2>&1; then
    echo "secret/$name exists"
    continue
  fi
  # Hex: safe in any connection string or shell.
  password=$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')
  kubectl -n "$namespace" create secret generic "$name" --type=kubernetes.io/basic-auth \
    --from-literal=username="$user" --from-literal=password="$password"
  # CloudNativePG reconciles roles whose Secret carries this label.
  kubectl -n "$namespace" label secret "$name" cnpg.io/reload=true >/dev/null
done
