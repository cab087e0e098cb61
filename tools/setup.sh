#!/usr/bin/env bash
# The project's setup step: installs the system programs the local stack and the tests
# run (when missing; actionlint with go install), then the npm dependencies (when package-lock.json changed).
# Runs before the README's two commands; safe to run again. Never runs at import time.
set -euo pipefail
cd "$(dirname "$0")/.."

# program -> Debian package
programs=(
  redis-server:redis-server
  redis-sentinel:redis-sentinel
  redis-cli:redis-tools
  redis-benchmark:redis-tools
  prometheus:prometheus
  promtool:prometheus
  haproxy:haproxy
  prometheus-redis-exporter:prometheus-redis-exporter
  docker-compose:docker-compose
  nft:nftables
)
missing=()
for entry in "${programs[@]}"; do
  prog=${entry%%:*}
  pkg=${entry#*:}
  if ! PATH="$PATH:/usr/sbin:/sbin" command -v "$prog" >/dev/null 2>&1; then
    [[ " ${missing[*]-} " == *" $pkg "* ]] || missing+=("$pkg")
  fi
done

if ((${#missing[@]} > 0)); then
  if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
    echo "setup: installing ${missing[*]} with apt-get"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    # Debian's packages may start their own daemons on the default ports; the project
    # starts its own processes on free loopback ports and needs none of them.
    for svc in redis-server redis-sentinel prometheus prometheus-redis-exporter haproxy; do
      service "$svc" stop >/dev/null 2>&1 || true
    done
  else
    echo "setup: missing programs; install them with: sudo apt-get install ${missing[*]}" >&2
    exit 1
  fi
fi

# actionlint (the test suite checks .github/workflows with it): a Go program, built from
# the Go module proxy when missing
ACTIONLINT_VERSION=v1.7.12
if ! command -v actionlint >/dev/null 2>&1; then
  go=$(command -v go || true)
  [[ -z $go && -x /usr/local/go/bin/go ]] && go=/usr/local/go/bin/go
  if [[ $(id -u) -eq 0 && -n $go ]]; then
    echo "setup: installing actionlint $ACTIONLINT_VERSION with go install"
    GOBIN=/usr/local/bin GOFLAGS=-buildvcs=false "$go" install "github.com/rhysd/actionlint/cmd/actionlint@$ACTIONLINT_VERSION"
  else
    echo "setup: missing actionlint; install it with: GOBIN=/usr/local/bin go install github.com/rhysd/actionlint/cmd/actionlint@$ACTIONLINT_VERSION" >&2
    exit 1
  fi
fi

# npm dependencies, reinstalled only when package-lock.json changed
stamp=node_modules/.stormdrill-lock.sha256
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [[ ! -f $stamp || $(cat "$stamp") != "$want" ]]; then
  echo "setup: npm ci"
  npm ci --no-audit --no-fund --loglevel=error
  echo "$want" >"$stamp"
fi
echo "setup: ready"
