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
# The Kafka broker for the integration tests is fetched by Maven and runs on Java 17 or newer
# (libs/testing/src/kafka.ts); either may come from elsewhere than apt, so look for the commands.
java_major=$( (java -version 2>&1 || true) | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -1)
[ "${java_major:-0}" -ge 17 ] 2>/dev/null || missing+=(openjdk-17-jre-headless)
command -v mvn >/dev/null || missing+=(maven)
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  echo "ensure-system-deps: missing ${missing[*]}; run as root (or install them) first" >&2
  exit 1
fi
echo "ensure-system-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# Packages such as apache2, openssh-server and postgresql would start their daemons on install;
# the tests start private servers instead, so forbid service starts while installing (the usual
# policy-rc.d switch), unless the machine already has a policy of its own.
policy=/usr/sbin/policy-rc.d
own_policy=0
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod +x "$policy" && own_policy=1
  trap '[ "$own_policy" = 1 ] && rm -f "$policy"' EXIT
fi
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
if command -v pg_lsclusters >/dev/null && command -v pg_ctlcluster >/dev/null; then
  pg_lsclusters --no-header 2>/dev/null | while read -r version cluster _; do pg_ctlcluster "$version" "$cluster" stop 2>/dev/null || true; done
fi
