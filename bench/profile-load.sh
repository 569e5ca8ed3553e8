#!/usr/bin/env bash
# CPU per request of the embedded gateway (inside n8n 2.41.1) against the standalone gateway on the
# same Node 24, with CPU profiles taken during load only (not over n8n's whole life, whose start-up
# would dominate them). Bounded; everything on 127.0.0.1, stopped by pid on exit.
#
#   bash bench/profile-load.sh
#
# Per round and target: wrk for DURATION s, measured (requests per CPU-second of the answering
# process, no profiler attached); then, unless PROFILE=0, wrk again with the V8 sampling profiler on
# from second 3 to DURATION-2 (bench/profile-hook.js, toggled by SIGUSR2), summarised per request
# with bench/profile-summary.js (requests = events the endpoint stored meanwhile), plus the GC
# pauses of that window and the CPU of every thread of the process (<target>-round<n>.txt), and
# VmRSS/VmHWM of each process after the warm-up and after the rounds (summary.txt).
# The profiler runs on each process's main thread: since the embedded gateway runs on a worker
# thread of n8n (src/runtime/embeddedGateway.ts), n8n's profile shows n8n's main thread only; the
# per-thread CPU ("webhook-gateway") is then the gateway's.
#
# Targets: gateway (standalone), ballast (standalone with an n8n-sized heap, bench/heap-ballast.js),
# embedded (inside n8n).
# Knobs: TARGETS=gateway,embedded  ROUNDS=2  DURATION=20  CONNECTIONS=50  PROFILE=1  TOP=30
#   GATEWAY_NODE   node of the standalone gateway (default: n8n's Node 24 from the cache)
#   N8N_EXTRA_NODE_OPTIONS   appended to n8n's NODE_OPTIONS (e.g. --max-semi-space-size=64)
#   GATEWAY_EXTRA_NODE_OPTIONS  the same for the standalone gateway
#   PROFILE_KIND=cpu  cpu, alloc (sampling heap profile of every allocation) or promoted (only
#                  objects that survived the young generation), see bench/profile-hook.js
#   OUT            where profiles and the summary go (default bench/results/load-profile-<time>)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
BENCH_NAME=profile-load
# shellcheck source=bench/lib.sh
source bench/lib.sh

TARGETS=${TARGETS:-gateway,embedded}
ROUNDS=${ROUNDS:-2}
DURATION=${DURATION:-20}
CONNECTIONS=${CONNECTIONS:-50}
PROFILE=${PROFILE:-1}
PROFILE_KIND=${PROFILE_KIND:-cpu}
[[ $PROFILE_KIND =~ ^(cpu|alloc|promoted)$ ]] || die "PROFILE_KIND must be cpu, alloc or promoted"
export WGW_PROFILE_KIND=$PROFILE_KIND # read by bench/profile-hook.js in every process started here
TOP=${TOP:-30}
NODE24=$(ls -d "$HOME"/.cache/n8n-nodes-webhook-gateway/n8n-*/node24/node_modules/node/bin/node 2>/dev/null | head -n 1 || true)
GATEWAY_NODE=${GATEWAY_NODE:-${NODE24:-node}}
OUT=${OUT:-bench/results/load-profile-$(date +%Y%m%d-%H%M%S)}
((DURATION >= 8)) || die "DURATION must be at least 8 (the profile window is seconds 3 to DURATION-2)"
IFS=, read -r -a TARGET_LIST <<<"$TARGETS"

ensure_tools
build_if_needed
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
bench_begin

start_redis
SECRET=$(od -An -N24 -tx1 /dev/urandom | tr -d ' \n')
export BENCH_BODY_FILE=bench/payload.json
BENCH_SIGNATURE=$(sign_body "$SECRET" "$BENCH_BODY_FILE")
export BENCH_SIGNATURE
HOOK=(--require "$ROOT/bench/profile-hook.js")
declare -A URL=() PID_OF=() STREAM=()

for t in "${TARGET_LIST[@]}"; do
	case $t in
	gateway | ballast)
		# ballast: the same standalone gateway carrying an n8n-sized heap of live objects
		# (bench/heap-ballast.js, WGW_BALLAST_MB) and nothing else of n8n.
		extra=()
		[[ $t == ballast ]] && extra=(--require "$ROOT/bench/heap-ballast.js")
		gateway_env
		# shellcheck disable=SC2086 # GATEWAY_EXTRA_NODE_OPTIONS is a list of flags
		WGW_PROFILE_DIR="$OUT/$t" "$GATEWAY_NODE" "${HOOK[@]}" "${extra[@]}" ${GATEWAY_EXTRA_NODE_OPTIONS:-} bin/webhook-gateway.js serve --workers 1 >"$WORK/$t.log" 2>&1 &
		PID_OF[$t]=$!
		PIDS+=("$!")
		wait_http "http://127.0.0.1:$GW_PORT/healthz" "$!" 30 || die "the $t gateway did not come up"
		create_endpoint "bench-$t" "$SECRET"
		URL[$t]="http://127.0.0.1:$GW_PORT/hooks/bench-$t"
		STREAM[$t]="wgw:{a:bench}:stream:bench-$t"
		log "$t ($("$GATEWAY_NODE" -v)) pid ${PID_OF[$t]}"
		;;
	embedded)
		FAIL_LOGS+=(n8n-targets.log)
		WGW_PROFILE_DIR="$OUT/embedded" BENCH_REDIS_URL="redis://127.0.0.1:$REDIS_PORT" BENCH_SECRET=$SECRET BENCH_INFO_FILE="$WORK/n8n.json" \
			BENCH_N8N_NODE_OPTIONS="${HOOK[*]} ${N8N_EXTRA_NODE_OPTIONS:-}" \
			timeout $((900 + ROUNDS * DURATION * 4 + 300)) node --import tsx bench/n8n-targets.ts >"$WORK/n8n-targets.log" 2>&1 &
		PIDS+=("slow:$!")
		helper=$!
		for ((i = 0; i < 1800; i++)); do
			[[ -f $WORK/n8n.json ]] && break
			kill -0 "$helper" 2>/dev/null || die "bench/n8n-targets.ts exited before n8n was ready"
			sleep 0.5
		done
		[[ -f $WORK/n8n.json ]] || die "n8n was not ready within 900 s"
		field() { node -e "console.log(require(process.argv[1])[process.argv[2]])" "$WORK/n8n.json" "$1"; }
		PID_OF[embedded]=$(field n8nPid)
		GROUPS_TO_REAP+=("${PID_OF[embedded]}")
		URL[embedded]=$(field embeddedUrl)
		STREAM[embedded]=$(field embeddedStreamKey)
		log "n8n pid ${PID_OF[embedded]}, embedded gateway ${URL[embedded]}"
		;;
	*) die "unknown target '$t' (gateway, ballast, embedded)" ;;
	esac
	probe "${URL[$t]}" "$BENCH_SIGNATURE" 202 "$t"
done

wrk_run() { # target seconds: wrk in the background (sets WRK_PID)
	wrk -t1 -c"$CONNECTIONS" -d"$2s" --timeout 10s -s bench/post.lua "${URL[$1]}" >>"$WORK/wrk.log" 2>&1 &
	WRK_PID=$!
	PIDS+=("$WRK_PID")
}
wrk_wait() {
	wait "$WRK_PID" || die "wrk failed (see $WORK/wrk.log)"
	forget_pid "$WRK_PID"
}
xlen() { redis-cli -p "$REDIS_PORT" --raw XLEN "$1"; }

# Warm-up (JIT, connections, caches).
for t in "${TARGET_LIST[@]}"; do
	wrk_run "$t" 5
	wrk_wait
done

rss_line() { # when: VmRSS and VmHWM of every target
	local t rss hwm
	for t in "${TARGET_LIST[@]}"; do
		read -r rss hwm <<<"$(rss_kib "${PID_OF[$t]}")"
		echo "$t: VmRSS $((rss / 1024)) MiB, VmHWM $((hwm / 1024)) MiB $1" | tee -a "$OUT/summary.txt"
	done
}
rss_line "after the warm-up"

hz=$(getconf CLK_TCK)
for ((round = 1; round <= ROUNDS; round++)); do
	for t in "${TARGET_LIST[@]}"; do
		pid=${PID_OF[$t]}
		# Measured: requests per CPU-second, no profiler attached.
		n0=$(xlen "${STREAM[$t]}")
		c0=$(cpu_ticks "$pid")
		t0=$(now_ns)
		wrk_run "$t" "$DURATION"
		wrk_wait
		sleep 0.3
		c1=$(cpu_ticks "$pid")
		t1=$(now_ns)
		n1=$(xlen "${STREAM[$t]}")
		node -e '
			const [t, r, n, ticks, hz, ns] = process.argv.slice(1);
			const cpu = ticks / hz, secs = ns / 1e9;
			console.log(`round ${r} ${t.padEnd(8)} ${(n / secs).toFixed(0).padStart(6)} req/s  CPU ${(cpu / secs * 100).toFixed(1).padStart(5)} %  ${(n / cpu).toFixed(0).padStart(6)} req per CPU-second  (${n} requests)`);
		' "$t" "$round" $((n1 - n0)) $((c1 - c0)) "$hz" $((t1 - t0)) | tee -a "$OUT/summary.txt"
		[[ $PROFILE == 1 ]] || continue
		# Profiled: the sampling profiler on from second 3 to DURATION-2, during load only.
		wrk_run "$t" "$DURATION"
		sleep 3
		p0=$(xlen "${STREAM[$t]}")
		kill -USR2 "$pid"
		sleep $((DURATION - 5))
		kill -USR2 "$pid"
		p1=$(xlen "${STREAM[$t]}")
		wrk_wait
		sleep 1
		window=$(ls -t "$OUT/$t"/*.window.json | head -n 1)
		mv "$window" "$OUT/$t-round$round.window.json"
		if [[ $PROFILE_KIND == cpu ]]; then
			mv "${window%.window.json}.cpuprofile" "$OUT/$t-round$round.cpuprofile"
			node bench/profile-summary.js "$OUT/$t-round$round.cpuprofile" "$TOP" $((p1 - p0)) >"$OUT/$t-round$round.txt"
		else
			mv "${window%.window.json}.heapprofile" "$OUT/$t-round$round.$PROFILE_KIND.heapprofile"
			node bench/heap-summary.js "$OUT/$t-round$round.$PROFILE_KIND.heapprofile" "$TOP" $((p1 - p0)) >"$OUT/$t-round$round.txt"
		fi
		# GC pauses and CPU per thread over the same window, per request.
		node -e '
			const [file, n, hz] = process.argv.slice(1);
			const w = require(file);
			const us = (ticks) => ((ticks / hz) * 1e6 / n).toFixed(1).padStart(6) + " us/req";
			const lines = ["", "GC on the main thread (perf_hooks):"];
			for (const [k, v] of Object.entries(w.gc)) lines.push(`  ${String(v.count).padStart(6)} x ${k}: ${v.ms.toFixed(0)} ms, ${(v.ms * 1000 / n).toFixed(1)} us/req`);
			lines.push("CPU by thread (/proc/<pid>/task):");
			let total = 0;
			for (const [k, v] of Object.entries(w.threadTicks).sort((a, b) => b[1] - a[1])) { total += v; lines.push(`  ${us(v)}  ${k}`); }
			lines.push(`  ${us(total)}  all threads`);
			console.log(lines.join("\n"));
		' "$OUT/$t-round$round.window.json" $((p1 - p0)) "$hz" >>"$OUT/$t-round$round.txt"
		log "profile of $t, round $round: $OUT/$t-round$round.txt ($((p1 - p0)) requests)"
	done
done
rss_line "after the rounds"
cp "$WORK"/*.log "$OUT"/ 2>/dev/null || true
log "results in $OUT"
