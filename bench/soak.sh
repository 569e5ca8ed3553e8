#!/usr/bin/env bash
# Memory soak: the standalone gateway (`webhook-gateway serve`, GitHub HMAC endpoint, `unlimited`
# plan, private Redis with AOF) under wrk load for SOAK_MINUTES, its VmRSS sampled from /proc every
# SOAK_SAMPLE seconds. A consumer (bench/soak-consumer.js: a subscriber that reads and acknowledges
# batches of 1000, which trims the stream) keeps Redis at what is in flight, so the run can last
# as long as wanted; Redis' memory is sampled too.
#
#   bash bench/soak.sh                       (10 minutes of load, ~11 minutes in all)
#   SOAK_MINUTES=2 bash bench/soak.sh        (a shorter check)
#
# Knobs: SOAK_MINUTES=10  SOAK_SAMPLE=10 (s)  CONNECTIONS=50  THREADS=1  WRK_TIMEOUT=10
#        SKIP_BUILD=0  QUIET_WAIT=0 (see bench/run.sh)
# Reports start/end/peak VmRSS, the slope over the second half (steady = the fitted rise over the
# second half is below 5 % of the RSS; no upward trend beyond noise), Redis' peak memory and checks
# that every response was 2xx and every stored event was delivered. Results:
# bench/results/latest-soak.json (gitignored). Every process is stopped by pid on exit.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
BENCH_NAME=soak
# shellcheck source=bench/lib.sh
source bench/lib.sh

SOAK_MINUTES=${SOAK_MINUTES:-10}
SOAK_SAMPLE=${SOAK_SAMPLE:-10}
CONNECTIONS=${CONNECTIONS:-50}
THREADS=${THREADS:-1}
WRK_TIMEOUT=${WRK_TIMEOUT:-10}
SKIP_BUILD=${SKIP_BUILD:-0}
QUIET_WAIT=${QUIET_WAIT:-0}
for knob in SOAK_MINUTES SOAK_SAMPLE CONNECTIONS THREADS WRK_TIMEOUT QUIET_WAIT; do
	[[ ${!knob} =~ ^[0-9]+$ ]] || die "$knob must be a whole number, got '${!knob}'"
	[[ $knob == QUIET_WAIT ]] || ((${!knob} >= 1)) || die "$knob must be at least 1"
done

ensure_tools
build_if_needed

bench_begin

start_redis
gateway_env
node bin/webhook-gateway.js serve --workers 1 >"$WORK/gateway.log" 2>&1 &
GW_PID=$!
PIDS+=("$GW_PID")
wait_http "http://127.0.0.1:$GW_PORT/healthz" "$GW_PID" 15 || die "\`node bin/webhook-gateway.js serve\` did not come up on port $GW_PORT"
log "gateway pid $GW_PID on 127.0.0.1:$GW_PORT"

SECRET=$(od -An -N24 -tx1 /dev/urandom | tr -d ' \n')
create_endpoint bench-github "$SECRET"
URL="http://127.0.0.1:$GW_PORT/hooks/bench-github"
STREAM="wgw:{a:bench}:stream:bench-github"
SIGNATURE=$(sign_body "$SECRET" bench/payload.json)
export BENCH_BODY_FILE=bench/payload.json BENCH_SIGNATURE=$SIGNATURE

# The consumer subscribes from 'new' before the probes, so it also delivers them.
FAIL_LOGS+=(consumer.log)
STATUS="$WORK/consumer.json"
SOAK_REDIS_URL="redis://127.0.0.1:$REDIS_PORT" SOAK_STATUS_FILE=$STATUS node bench/soak-consumer.js >"$WORK/consumer.log" 2>&1 &
CONSUMER_PID=$!
PIDS+=("$CONSUMER_PID")
for ((i = 0; i < 100; i++)); do
	[[ -f $STATUS ]] && break
	kill -0 "$CONSUMER_PID" 2>/dev/null || die "bench/soak-consumer.js exited at start"
	sleep 0.1
done
[[ -f $STATUS ]] || die "bench/soak-consumer.js did not subscribe within 10 s"
log "consumer pid $CONSUMER_PID"

probe "$URL" "$SIGNATURE" 202 gateway
probe "$URL" "sha256=$(printf '0%.0s' {1..64})" 403 gateway

wait_quiet "$QUIET_WAIT"

SAMPLES="$WORK/samples.jsonl"
: >"$SAMPLES"
T0=$(now_ns)
sample() { # one JSON line: time, gateway memory and CPU, Redis memory and CPU, stream length, consumer progress, machine
	local rss hwm mem
	read -r rss hwm <<<"$(rss_kib "$GW_PID")"
	mem=$(redis-cli -p "$REDIS_PORT" INFO memory | tr -d '\r' | awk -F: '$1 == "used_memory" {u = $2} $1 == "used_memory_rss" {r = $2} END {print u + 0, r + 0}')
	printf '{"t":%.1f,"rssKiB":%d,"hwmKiB":%d,"gatewayTicks":%d,"redisTicks":%d,"consumerTicks":%d,"redisUsedBytes":%d,"redisRssBytes":%d,"streamLength":%d,"consumer":%s,"machineTicks":"%s"}\n' \
		"$(awk -v a="$T0" -v b="$(now_ns)" 'BEGIN {print (b - a) / 1e9}')" "$rss" "$hwm" \
		"$(cpu_ticks "$GW_PID")" "$(cpu_ticks "$REDIS_PID")" "$(cpu_ticks "$CONSUMER_PID")" ${mem% *} ${mem#* } \
		"$(redis-cli -p "$REDIS_PORT" --raw XLEN "$STREAM")" "$(cat "$STATUS")" "$(busy_ticks)" >>"$SAMPLES"
}

log "${SOAK_MINUTES} min of wrk load ($THREADS thread(s), $CONNECTIONS connections), sampling every ${SOAK_SAMPLE}s"
sample
OUT="$WORK/wrk.txt"
timeout $((SOAK_MINUTES * 60 + WRK_TIMEOUT + 60)) wrk -t"$THREADS" -c"$CONNECTIONS" -d"${SOAK_MINUTES}m" --timeout "${WRK_TIMEOUT}s" --latency \
	-s bench/post.lua "$URL" >"$OUT" 2>&1 &
WRK_PID=$!
PIDS+=("$WRK_PID")
next=$SOAK_SAMPLE
last_log=0
while kill -0 "$WRK_PID" 2>/dev/null; do
	now_s=$((($(now_ns) - T0) / 1000000000))
	if ((now_s >= next)); then
		sample
		next=$((next + SOAK_SAMPLE))
		kill -0 "$GW_PID" 2>/dev/null || die "the gateway (pid $GW_PID) exited during the soak"
		kill -0 "$CONSUMER_PID" 2>/dev/null || die "the consumer (pid $CONSUMER_PID) exited during the soak"
		if ((now_s - last_log >= 60)); then
			last_log=$now_s
			log "$((now_s / 60)) min: gateway VmRSS $(($(rss_kib "$GW_PID" | awk '{print $1}') / 1024)) MiB, stream length $(redis-cli -p "$REDIS_PORT" --raw XLEN "$STREAM")"
		fi
	fi
	sleep 0.5
done
wrk_rc=0
wait "$WRK_PID" || wrk_rc=$?
forget_pid "$WRK_PID"
sample
((wrk_rc == 0)) || {
	cat "$OUT" >&2
	die "wrk failed (exit $wrk_rc)"
}

# Let the consumer catch up (the stream empties), then stop it; it writes its final count.
for ((i = 0; i < 300; i++)); do
	[[ $(redis-cli -p "$REDIS_PORT" --raw XLEN "$STREAM") == 0 ]] && break
	sleep 0.1
done
sleep 1
stop_pid "$CONSUMER_PID"
forget_pid "$CONSUMER_PID"

mkdir -p bench/results
cp "$OUT" bench/results/latest-soak-wrk.log
SOAK_SAMPLES=$SAMPLES SOAK_WRK=$OUT SOAK_CONSUMER=$STATUS SOAK_MINUTES=$SOAK_MINUTES SOAK_SAMPLE=$SOAK_SAMPLE \
	SOAK_CONNECTIONS=$CONNECTIONS SOAK_THREADS=$THREADS SOAK_BUSY_BEFORE=$BUSY_BEFORE SOAK_CLK_TCK=$(getconf CLK_TCK) \
	SOAK_FINAL_STREAM="$(redis-cli -p "$REDIS_PORT" --raw XLEN "$STREAM")" SOAK_RESULTS_FILE=bench/results/latest-soak.json \
	SOAK_REDIS_VERSION="$(redis-server --version | sed -n 's/.*v=\([0-9.]*\).*/\1/p')" \
	node bench/soak-report.js
