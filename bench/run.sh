#!/usr/bin/env bash
# Measures `freshet serve` next to internal/nullserver (the ceiling: a server
# that does no work) and, when installed, kinesalite, with the AWS SDK for Go
# v2 as the load client. Run from a clone:
#
#   bash bench/run.sh                      # freshet and the ceiling
#   KINESALITE_DIR=/tmp/kl bash bench/run.sh   # and kinesalite (installed
#                                          # there by npm if missing)
#
# The client measures the servers in short paired slices, one right after
# the other, and prints the median of the paired ratios to the ceiling with
# its 95% confidence interval; the default run takes about 2 minutes.
# Extra arguments go to the client (go run ./bench -h lists them), e.g.
# bash bench/run.sh -rounds 6 for more pairs. The servers listen on 127.0.0.1, ports
# BENCH_PORT (default 4567) to BENCH_PORT+2, and are stopped when the script
# ends; the script refuses to start if one of those ports is taken (by
# another run, say). With KINESALITE_DIR set, kinesalite 3.3.3 is installed
# there with npm if it is not yet.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
base="${BENCH_PORT:-4567}"
freshet_port=$base kinesalite_port=$((base + 1)) null_port=$((base + 2))
for p in "$freshet_port" "$kinesalite_port" "$null_port"; do
	if (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
		echo "port $p is taken: set BENCH_PORT to a free range" >&2
		exit 1
	fi
done
tmp="$(mktemp -d)"
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	rm -rf "$tmp"
}
trap cleanup EXIT

(cd "$root" && go build -o "$tmp/freshet" ./cmd/freshet && go build -o "$tmp/nullserver" ./internal/nullserver)
(cd "$root/bench" && go build -o "$tmp/bench" .)

wait_port() {
	for _ in $(seq 100); do
		if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then return 0; fi
		sleep 0.1
	done
	echo "nothing listens on port $1" >&2
	return 1
}

"$tmp/freshet" serve --addr "127.0.0.1:$freshet_port" >"$tmp/freshet.log" 2>&1 &
freshet_pid=$!
pids+=("$freshet_pid")
"$tmp/nullserver" --addr "127.0.0.1:$null_port" >"$tmp/nullserver.log" 2>&1 &
null_pid=$!
pids+=("$null_pid")
wait_port "$freshet_port"
wait_port "$null_port"
targets=(-target "freshet=http://127.0.0.1:$freshet_port,pid=$freshet_pid")

if [ -n "${KINESALITE_DIR:-}" ]; then
	if [ ! -d "$KINESALITE_DIR/node_modules/kinesalite" ]; then
		mkdir -p "$KINESALITE_DIR"
		(cd "$KINESALITE_DIR" && npm install --no-audit --no-fund kinesalite@3.3.3 >npm.log 2>&1)
	fi
	(cd "$KINESALITE_DIR" && exec node -e "require('kinesalite')({createStreamMs: 0, deleteStreamMs: 0, updateStreamMs: 0}).listen($kinesalite_port, '127.0.0.1')") \
		>"$tmp/kinesalite.log" 2>&1 &
	kl_pid=$!
	pids+=("$kl_pid")
	wait_port "$kinesalite_port"
	targets+=(-target "kinesalite=http://127.0.0.1:$kinesalite_port,pid=$kl_pid")
fi
targets+=(-target "ceiling=http://127.0.0.1:$null_port,pid=$null_pid")

"$tmp/bench" "${targets[@]}" -ceiling ceiling "$@"
