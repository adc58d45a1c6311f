#!/usr/bin/env bash
# Measures `freshet serve` next to internal/nullserver (the ceiling: a server
# that does no work) and, when installed, kinesalite, with the AWS SDK for Go
# v2 as the load client. Run from a clone:
#
#   bash bench/run.sh                      # freshet and the ceiling
#   KINESALITE_DIR=/tmp/kl bash bench/run.sh   # and kinesalite, installed with
#                                          # (mkdir -p /tmp/kl && cd /tmp/kl && npm install kinesalite@3.3.3)
#
# Extra arguments go to the client (go run ./bench -h lists them), e.g.
# bash bench/run.sh -rounds 3. The servers listen on 127.0.0.1:4567-4569
# and are stopped when the script ends.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
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

"$tmp/freshet" serve --addr 127.0.0.1:4567 >"$tmp/freshet.log" 2>&1 &
freshet_pid=$!
pids+=("$freshet_pid")
"$tmp/nullserver" --addr 127.0.0.1:4569 >"$tmp/nullserver.log" 2>&1 &
null_pid=$!
pids+=("$null_pid")
wait_port 4567
wait_port 4569
targets=(-target "freshet=http://127.0.0.1:4567,pid=$freshet_pid")

if [ -n "${KINESALITE_DIR:-}" ]; then
	(cd "$KINESALITE_DIR" && exec node -e "require('kinesalite')({createStreamMs: 0, deleteStreamMs: 0, updateStreamMs: 0}).listen(4568, '127.0.0.1')") \
		>"$tmp/kinesalite.log" 2>&1 &
	kl_pid=$!
	pids+=("$kl_pid")
	wait_port 4568
	targets+=(-target "kinesalite=http://127.0.0.1:4568,pid=$kl_pid")
fi
targets+=(-target "ceiling=http://127.0.0.1:4569,pid=$null_pid")

"$tmp/bench" "${targets[@]}" -ceiling ceiling "$@"
