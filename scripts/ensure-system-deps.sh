#!/usr/bin/env bash
# Installs, as root with Debian's apt, what the test suites need from the system: PostgreSQL (a
# private server per test run), OpenSSH (client and server for the SSH suites), git, Python's venv
# (the AWS CLI comes from PyPI into a cache), Apache (git http-backend, the benchmark peer), and
# libkrb5-dev / libssl-dev (nodegit builds from source against them). Quick when all is present.
set -euo pipefail

packages=(postgresql openssh-client openssh-server git python3-venv apache2 libkrb5-dev libssl-dev procps)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  echo "ensure-system-deps: missing ${missing[*]}; run as root (or install them) first" >&2
  exit 1
fi
echo "ensure-system-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# The postgresql package would start a cluster of its own; the tests start private ones instead.
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
if command -v pg_lsclusters >/dev/null && command -v pg_ctlcluster >/dev/null; then
  pg_lsclusters --no-header 2>/dev/null | while read -r version cluster _; do pg_ctlcluster "$version" "$cluster" stop 2>/dev/null || true; done
fi
