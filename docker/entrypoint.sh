#!/bin/sh
# The image's entry point (docker/Dockerfile): runs one Cairn service, or one of the tools the Helm
# chart runs, by name. CAIRN_APP_DIR (default /app) is where the build lives; the repository root
# has the same layout, so the tests run this script against a checkout.
set -eu
app="${CAIRN_APP_DIR:-/app}"

usage() {
  cat >&2 <<'EOF'
usage: cairn-service COMMAND
services: api-gateway audit git-protocol git-storage metrics policy pull-requests repo-metadata
audit:    audit-verify  walk the audit hash chain (CAIRN_DATABASE_URL: the audit database)
          audit-export  export audit records (--out DIR; see --help)
tools:    cluster-init  create the keys Secret if missing, bootstrap the account, store the
                        administrator's credentials in a Secret (a Job of the Helm chart)
          node-zone F   write this node's topology.kubernetes.io/zone to file F (init container)
          smoke-test    create a repository, push, clone, delete it (`helm test`)
          drain         wait for in-flight git transfers to end (preStop hook)
          healthcheck   GET /healthz on the metrics port (Docker HEALTHCHECK)
EOF
  exit 2
}

# preStop hook: returns once no git transfer runs in this container (git-storage runs upload-pack
# and receive-pack per clone and push) and no client connection is open on CAIRN_DRAIN_PORTS (the
# front door's HTTP and SSH ports), or when CAIRN_DRAIN_TIMEOUT_SECONDS have passed. It first
# waits CAIRN_DRAIN_DELAY_SECONDS so endpoints and load balancers stop sending new work. The
# process gets SIGTERM only after this returns, so the pod's terminationGracePeriodSeconds, not
# the service's short shutdown timeout, is what an in-flight push can use.
drain() {
  proc="${CAIRN_PROC_DIR:-/proc}"
  limit="${CAIRN_DRAIN_TIMEOUT_SECONDS:-3300}"
  sleep "${CAIRN_DRAIN_DELAY_SECONDS:-5}"
  started=$(date +%s)
  while :; do
    busy=$(transfers_in_flight "$proc")
    if [ "$busy" -eq 0 ]; then
      echo "drain: no transfer in flight" >&2
      return 0
    fi
    if [ $(($(date +%s) - started)) -ge "$limit" ]; then
      echo "drain: $busy transfer(s) still in flight after ${limit}s; stopping anyway" >&2
      return 0
    fi
    sleep "${CAIRN_DRAIN_POLL_SECONDS:-2}"
  done
}

# Counts git transfer processes, plus established TCP connections whose local port is one of
# CAIRN_DRAIN_PORTS (/proc/net/tcp{,6}: local address column "ADDR:PORT" in hex, state 01).
transfers_in_flight() {
  count=0
  for cmdline in "$1"/[0-9]*/cmdline; do
    [ -r "$cmdline" ] || continue
    case "$(tr '\000' ' ' <"$cmdline" 2>/dev/null)" in
      *upload-pack* | *receive-pack*) count=$((count + 1)) ;;
    esac
  done
  if [ -n "${CAIRN_DRAIN_PORTS:-}" ]; then
    hex=""
    for port in $(echo "$CAIRN_DRAIN_PORTS" | tr ',' ' '); do hex="$hex $(printf '%04X' "$port")"; done
    connections=$(cat "$1/net/tcp" "$1/net/tcp6" 2>/dev/null | awk -v ports="$hex" '
      BEGIN { n = split(ports, p, " "); for (i = 1; i <= n; i++) want[p[i]] = 1 }
      $4 == "01" { split($2, local, ":"); if (local[2] in want) c++ }
      END { print c + 0 }')
    count=$((count + connections))
  fi
  echo "$count"
}

[ $# -ge 1 ] || usage
command="$1"
shift
case "$command" in
  api-gateway | audit | git-protocol | metrics | policy | pull-requests | repo-metadata)
    exec node "$app/services/$command/dist/main.js" "$@"
    ;;
  audit-verify | audit-export)
    exec node "$app/services/audit/dist/${command#audit-}-cli.js" "$@"
    ;;
  git-storage)
    # The zone is the node's, written by the chart's node-zone init container, unless set.
    if [ -z "${CAIRN_ZONE:-}" ] && [ -n "${CAIRN_ZONE_FILE:-}" ] && [ -s "$CAIRN_ZONE_FILE" ]; then
      CAIRN_ZONE=$(cat "$CAIRN_ZONE_FILE")
      export CAIRN_ZONE
    fi
    exec node "$app/services/git-storage/dist/main.js" "$@"
    ;;
  cluster-init | node-zone | smoke-test | healthcheck)
    exec node "$app/docker/tools/$command.mjs" "$@"
    ;;
  drain)
    drain
    ;;
  -h | --help | help)
    usage
    ;;
  *)
    echo "unknown command: $command" >&2
    usage
    ;;
esac
