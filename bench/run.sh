#!/usr/bin/env bash
# Throughput benchmark: the standalone gateway (GitHub HMAC endpoint, `unlimited` plan, every event
# stored durably in a private Redis) against a bare express 5 app that only parses JSON and answers
# 202, both driven by wrk with the identical signed ~1 KiB GitHub push request.
#
#   bash bench/run.sh            (or: npm run bench)
#
# Knobs (environment):
#   DURATION=20      seconds measured per target and round
#   WARMUP=5         seconds of warm-up per target before the rounds (not reported; 0 = none)
#   CONNECTIONS=50   wrk connections
#   THREADS=1        wrk threads (wrk shares the cores with the servers and Redis)
#   ROUNDS=2         rounds; the order of the targets alternates and the median is reported
#   GATEWAY=auto     how to start the gateway: cli (`node bin/webhook-gateway.js serve`),
#                    script (bench/start-gateway.js) or auto (cli, else script)
#   PROFILE=0        1: run the gateway (via bench/start-gateway.js) and the bare app under
#                    `node --cpu-prof` and print their top self-time functions and modules
#                    (bench/results/profile-*/); results go to latest-profile.json
#   SKIP_BUILD=0     1: use dist/ as it is (otherwise `npm run build` when dist is missing or older
#                    than src)
#   QUIET_WAIT=0     wait up to this many seconds for the machine to be quiet (< 10 % busy over 3 s)
#                    before measuring; either way the other load is measured and reported
#
# Everything listens on 127.0.0.1; every process started here is stopped by pid on exit, also on
# failure or Ctrl-C. Not part of the test run. Results: bench/results/latest.json (gitignored).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

DURATION=${DURATION:-20}
WARMUP=${WARMUP:-5}
CONNECTIONS=${CONNECTIONS:-50}
THREADS=${THREADS:-1}
ROUNDS=${ROUNDS:-2}
GATEWAY=${GATEWAY:-auto}
PROFILE=${PROFILE:-0}
SKIP_BUILD=${SKIP_BUILD:-0}
QUIET_WAIT=${QUIET_WAIT:-0}

die() {
	echo "bench: ERROR: $*" >&2
	exit 1
}
log() { echo "bench: $*" >&2; }

for knob in DURATION WARMUP CONNECTIONS THREADS ROUNDS QUIET_WAIT; do
	[[ ${!knob} =~ ^[0-9]+$ ]] || die "$knob must be a whole number, got '${!knob}'"
done
((DURATION >= 1)) || die "DURATION must be at least 1"
((CONNECTIONS >= 1 && THREADS >= 1 && ROUNDS >= 1)) || die "CONNECTIONS, THREADS and ROUNDS must be at least 1"
((CONNECTIONS >= THREADS)) || die "CONNECTIONS must be at least THREADS"
[[ $GATEWAY =~ ^(auto|cli|script)$ ]] || die "GATEWAY must be auto, cli or script, got '$GATEWAY'"
[[ $PROFILE =~ ^[01]$ ]] || die "PROFILE must be 0 or 1"

# ---- tools -------------------------------------------------------------------------------------
if ! command -v wrk >/dev/null || ! command -v redis-server >/dev/null || ! command -v redis-cli >/dev/null; then
	log "installing wrk and redis-server (apt-get)"
	SUDO=""
	[[ $(id -u) == 0 ]] || SUDO="sudo"
	$SUDO apt-get update
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y wrk redis-server
fi
for tool in node curl wrk redis-server redis-cli timeout; do
	command -v "$tool" >/dev/null || die "$tool is not installed"
done

# ---- build ---------------------------------------------------------------------------------------
SERVER_JS=dist/src/gateway/server.js
if [[ $SKIP_BUILD != 1 ]]; then
	if [[ ! -f $SERVER_JS || -n $(find src -newer "$SERVER_JS" -print -quit) ]]; then
		log "building (npm run build)"
		npm run build >&2 || die "npm run build failed"
	fi
fi
[[ -f $SERVER_JS ]] || die "$SERVER_JS is missing after the build"
[[ -f dist/src/redis/scripts/acceptEvent-4.lua ]] || die "dist/src/redis/scripts/*.lua are missing (gulp build)"

# ---- processes and clean-up --------------------------------------------------------------------
WORK=$(mktemp -d "${TMPDIR:-/tmp}/wgw-bench.XXXXXX")
PIDS=()
stop_pid() { # pid: TERM, wait up to 10 s, then KILL
	local pid=$1 i
	kill -TERM "$pid" 2>/dev/null || return 0
	for ((i = 0; i < 100; i++)); do
		kill -0 "$pid" 2>/dev/null || return 0
		sleep 0.1
	done
	log "pid $pid did not stop within 10 s; killing it"
	kill -KILL "$pid" 2>/dev/null || true
}
forget_pid() { # pid: no longer ours to stop (it has exited; its number may be reused)
	local keep=() p
	for p in "${PIDS[@]}"; do [[ $p == "$1" ]] || keep+=("$p"); done
	PIDS=("${keep[@]}")
}
cleanup() {
	local rc=$?
	trap - EXIT INT TERM
	local i
	# Newest first: wrk before the servers, Redis last.
	for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do stop_pid "${PIDS[i]}"; done
	if ((rc != 0)) && [[ -d $WORK ]]; then
		for f in gateway.log bare.log redis.log; do
			if [[ -s $WORK/$f ]]; then
				echo "---- last lines of $f ----" >&2
				tail -n 20 "$WORK/$f" >&2
			fi
		done
	fi
	rm -rf "$WORK"
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

free_port() {
	node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"
}
wait_http() { # url pid seconds: until the url answers 2xx; fails if the process exits
	local url=$1 pid=$2 secs=$3 i
	for ((i = 0; i < secs * 10; i++)); do
		kill -0 "$pid" 2>/dev/null || return 1
		curl -fsS -o /dev/null --max-time 1 "$url" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}
cpu_ticks() { # pid: utime+stime of the whole process, in clock ticks
	local stat
	stat=$(<"/proc/$1/stat")
	stat=${stat##*) } # drop "pid (comm) "; utime and stime are then fields 12 and 13
	awk '{print $12 + $13}' <<<"$stat"
}
now_ns() { date +%s%N; }
children_cpu() { # sets CHILD_CPU: user+system seconds of this shell's finished children
	# `times` must run in this shell: in a pipeline or $(...) it would report a subshell's.
	times >"$WORK/times"
	CHILD_CPU=$(awk 'NR == 2 {
		n = split($0, f, " "); total = 0
		for (i = 1; i <= n; i++) { split(f[i], p, "m"); sub("s", "", p[2]); total += p[1] * 60 + p[2] }
		printf "%.3f", total
	}' "$WORK/times")
}
busy_ticks() { # "busy steal": CPU ticks of the whole machine spent busy (user+nice+system+irq+softirq) and stolen
	awk '$1 == "cpu" {print $2 + $3 + $4 + $7 + $8, $9; exit}' /proc/stat
}

# Redis
REDIS_PORT=$(free_port)
redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly yes --appendfsync everysec \
	--dir "$WORK" --logfile "$WORK/redis.log" --daemonize no >/dev/null 2>&1 &
REDIS_PID=$!
PIDS+=("$REDIS_PID")
for ((i = 0; i < 50; i++)); do
	redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break
	kill -0 "$REDIS_PID" 2>/dev/null || die "redis-server exited at start"
	sleep 0.1
done
redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 || die "redis-server did not answer within 5 s"
log "redis-server pid $REDIS_PID on 127.0.0.1:$REDIS_PORT"

# Gateway
GW_PORT=$(free_port)
ADMIN_TOKEN="bench-admin-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"
export WEBHOOK_GATEWAY_REDIS_URL="redis://127.0.0.1:$REDIS_PORT"
export WEBHOOK_GATEWAY_PORT=$GW_PORT
export WEBHOOK_GATEWAY_HOST=127.0.0.1
export WEBHOOK_GATEWAY_ADMIN_TOKEN=$ADMIN_TOKEN
export WEBHOOK_GATEWAY_ADMIN_PORT=0
export WEBHOOK_GATEWAY_LOG_LEVEL=warn
export WEBHOOK_GATEWAY_BUFFER_MAX_EVENTS=100000000
unset WEBHOOK_GATEWAY_REDIS_CLUSTER_NODES WEBHOOK_GATEWAY_PUBLIC_URL WEBHOOK_GATEWAY_KEY_PREFIX \
	WEBHOOK_GATEWAY_MAX_BODY WEBHOOK_GATEWAY_DEFAULT_PLAN WEBHOOK_GATEWAY_TRUST_PROXY

RESULTS_DIR=bench/results
mkdir -p "$RESULTS_DIR"
PROFILE_DIR=""
start_gateway() { # mode: cli | script; sets GW_PID
	local node_flags=()
	if [[ $PROFILE == 1 ]]; then
		PROFILE_DIR="$RESULTS_DIR/profile-$(date +%Y%m%d-%H%M%S)"
		mkdir -p "$PROFILE_DIR"
		node_flags=(--cpu-prof --cpu-prof-dir="$PROFILE_DIR")
	fi
	if [[ $1 == cli ]]; then
		node "${node_flags[@]}" bin/webhook-gateway.js serve >"$WORK/gateway.log" 2>&1 &
	else
		node "${node_flags[@]}" bench/start-gateway.js >"$WORK/gateway.log" 2>&1 &
	fi
	GW_PID=$!
	PIDS+=("$GW_PID")
}
launch_gateway() { # mode: start it and wait until /healthz answers; on failure stop it, return 1
	start_gateway "$1"
	wait_http "http://127.0.0.1:$GW_PORT/healthz" "$GW_PID" 15 && return 0
	stop_pid "$GW_PID"
	forget_pid "$GW_PID"
	return 1
}
case $GATEWAY/$PROFILE in
auto/0)
	if [[ -f dist/src/cli/main.js ]] && launch_gateway cli; then
		GW_MODE=cli
	else
		log "\`node bin/webhook-gateway.js serve\` is not available (yet); using bench/start-gateway.js"
		launch_gateway script || die "the gateway (bench/start-gateway.js) did not come up on port $GW_PORT"
		GW_MODE=script
	fi
	;;
cli/*)
	launch_gateway cli || die "\`node bin/webhook-gateway.js serve\` did not come up on port $GW_PORT"
	GW_MODE=cli
	;;
*) # script, and auto with PROFILE=1 (its graceful SIGTERM lets node write the profile)
	launch_gateway script || die "the gateway (bench/start-gateway.js) did not come up on port $GW_PORT"
	GW_MODE=script
	;;
esac
log "gateway ($GW_MODE) pid $GW_PID on 127.0.0.1:$GW_PORT"

# Bench endpoint: GitHub HMAC preset on account 'bench' with the 'unlimited' plan.
API="http://127.0.0.1:$GW_PORT/api/v1"
status=$(curl -sS -o "$WORK/endpoint.json" -w '%{http_code}' -X POST "$API/endpoints" \
	-H "Authorization: Bearer $ADMIN_TOKEN" -H 'Content-Type: application/json' \
	-d '{"id":"bench-github","accountId":"bench","auth":{"type":"hmac","preset":"github"}}')
[[ $status == 201 ]] || die "POST /api/v1/endpoints answered $status: $(cat "$WORK/endpoint.json")"
status=$(curl -sS -o "$WORK/plan.json" -w '%{http_code}' -X PUT "$API/accounts/bench/plan" \
	-H "Authorization: Bearer $ADMIN_TOKEN" -H 'Content-Type: application/json' -d '{"planId":"unlimited"}')
[[ $status == 200 ]] || die "PUT /api/v1/accounts/bench/plan answered $status: $(cat "$WORK/plan.json")"
SECRET=$(node -e "const e=require(process.argv[1]);if(!e.secret)process.exit(1);console.log(e.secret)" "$WORK/endpoint.json") ||
	die "no secret in the create answer: $(cat "$WORK/endpoint.json")"

BODY_FILE=bench/payload.json
SIGNATURE="sha256=$(node -e "const c=require('crypto'),fs=require('fs');console.log(c.createHmac('sha256',process.argv[1]).update(fs.readFileSync(process.argv[2])).digest('hex'))" "$SECRET" "$BODY_FILE")"
export BENCH_BODY_FILE=$BODY_FILE BENCH_SIGNATURE=$SIGNATURE
GW_URL="http://127.0.0.1:$GW_PORT/hooks/bench-github"

# Probes: the signed request is accepted, a wrong signature is refused (the check is really made).
probe() { # signature expected-status
	local code
	code=$(curl -sS -o "$WORK/probe.json" -w '%{http_code}' -X POST "$GW_URL" -H 'Content-Type: application/json' \
		-H "X-Hub-Signature-256: $1" --data-binary "@$BODY_FILE")
	[[ $code == "$2" ]] || die "probe with signature '${1:0:20}...' answered $code, expected $2: $(cat "$WORK/probe.json")"
}
probe "$SIGNATURE" 202
probe "sha256=$(printf '0%.0s' {1..64})" 403

# Bare express app
BARE_PORT=$(free_port)
BARE_FLAGS=()
[[ $PROFILE == 1 ]] && BARE_FLAGS=(--cpu-prof --cpu-prof-dir="$PROFILE_DIR/bare")
PORT=$BARE_PORT HOST=127.0.0.1 node "${BARE_FLAGS[@]}" bench/bare-express.js >"$WORK/bare.log" 2>&1 &
BARE_PID=$!
PIDS+=("$BARE_PID")
wait_http "http://127.0.0.1:$BARE_PORT/healthz" "$BARE_PID" 10 || die "the bare express app did not come up"
BARE_URL="http://127.0.0.1:$BARE_PORT/hooks/bench-github"
log "bare express pid $BARE_PID on 127.0.0.1:$BARE_PORT"

# ---- measuring ---------------------------------------------------------------------------------
stored_events() { # sum of XLEN over the gateway's stream keys
	local total=0 key n
	while IFS= read -r key; do
		[[ -n $key ]] || continue
		n=$(redis-cli -p "$REDIS_PORT" --raw XLEN "$key")
		total=$((total + n))
	done < <(redis-cli -p "$REDIS_PORT" --scan --pattern '*stream*')
	echo "$total"
}
clear_streams() {
	local key
	while IFS= read -r key; do
		[[ -n $key ]] && redis-cli -p "$REDIS_PORT" DEL "$key" >/dev/null
	done < <(redis-cli -p "$REDIS_PORT" --scan --pattern '*stream*')
}

redis_stats() { # "scripts reads": EVALSHA/EVAL calls (one per ingest request) and socket reads in Redis
	redis-cli -p "$REDIS_PORT" INFO all | tr -d '\r' |
		awk -F'[:=,]' '$1 == "cmdstat_evalsha" || $1 == "cmdstat_eval" {c += $3} $1 == "total_reads_processed" {r = $2} END {print c + 0, r + 0}'
}

RUNS="$WORK/runs.jsonl"
: >"$RUNS"
WRK_LOG="$WORK/wrk.log" # copied next to the results at the end, so both always belong to one run
: >"$WRK_LOG"
run_wrk() { # phase round target seconds
	local phase=$1 round=$2 target=$3 secs=$4 url out
	if [[ $target == gateway ]]; then url=$GW_URL; else url=$BARE_URL; fi
	out="$WORK/wrk-$phase-$round-$target.txt"
	[[ $target == gateway ]] && clear_streams
	local g0 r0 b0 t0 g1 r1 b1 t1 wrk_cpu stored=null s0 s1
	s0=$(redis_stats)
	local m0 m1
	g0=$(cpu_ticks "$GW_PID") r0=$(cpu_ticks "$REDIS_PID") b0=$(cpu_ticks "$BARE_PID") m0=$(busy_ticks) t0=$(now_ns)
	# wrk runs in the background and the script waits for it, so that a signal stops the run at
	# once (the trap stops wrk too). The children's CPU times before and after give wrk's CPU.
	local c0 c1 wrk_pid wrk_rc=0
	children_cpu
	c0=$CHILD_CPU
	timeout $((secs + 30)) wrk -t"$THREADS" -c"$CONNECTIONS" -d"${secs}s" --latency -s bench/post.lua "$url" >"$out" 2>&1 &
	wrk_pid=$!
	PIDS+=("$wrk_pid")
	wait "$wrk_pid" || wrk_rc=$?
	forget_pid "$wrk_pid"
	kill -0 "$GW_PID" 2>/dev/null || die "the gateway (pid $GW_PID) exited during the $target run"
	kill -0 "$REDIS_PID" 2>/dev/null || die "redis-server (pid $REDIS_PID) exited during the $target run"
	kill -0 "$BARE_PID" 2>/dev/null || die "the bare express app (pid $BARE_PID) exited during the $target run"
	t1=$(now_ns) m1=$(busy_ticks) g1=$(cpu_ticks "$GW_PID") r1=$(cpu_ticks "$REDIS_PID") b1=$(cpu_ticks "$BARE_PID")
	children_cpu
	c1=$CHILD_CPU
	if ((wrk_rc != 0)); then
		cat "$out" >&2
		die "wrk failed (exit $wrk_rc) against the $target ($url)"
	fi
	s1=$(redis_stats)
	wrk_cpu=$(awk -v a="$c0" -v b="$c1" 'BEGIN {printf "%.3f", b - a}')
	if [[ $target == gateway ]]; then
		# Requests still in flight when wrk stopped are finished by the gateway; let them land.
		local prev=-1 i
		for ((i = 0; i < 50; i++)); do
			stored=$(stored_events)
			[[ $stored == "$prev" ]] && break
			prev=$stored
			sleep 0.1
		done
	fi
	{
		echo "==== $phase round $round: $target ($url), ${secs}s, $THREADS thread(s), $CONNECTIONS connections"
		cat "$out"
		echo
	} >>"$WRK_LOG"
	local result
	result=$(sed -n 's/^BENCH_RESULT //p' "$out")
	[[ -n $result ]] || {
		cat "$out" >&2
		die "no BENCH_RESULT line in wrk's output"
	}
	local redis_commands redis_reads
	redis_commands=$((${s1% *} - ${s0% *})) redis_reads=$((${s1#* } - ${s0#* }))
	printf '{"phase":"%s","round":%d,"target":"%s","elapsedNs":%d,"ticks":{"gateway":%d,"redis":%d,"bare":%d},"machineTicks":{"busy":%d,"steal":%d},"wrkCpuSeconds":%s,"stored":%s,"redis":{"scripts":%d,"reads":%d},"wrk":%s}\n' \
		"$phase" "$round" "$target" $((t1 - t0)) $((g1 - g0)) $((r1 - r0)) $((b1 - b0)) $((${m1% *} - ${m0% *})) $((${m1#* } - ${m0#* })) "$wrk_cpu" "$stored" "$redis_commands" "$redis_reads" "$result" >>"$RUNS"
	log "$phase round $round $target: $(awk '/Requests\/sec/ {print $2 " req/s"}' "$out")"
}

machine_busy_percent() { # % of all CPUs busy over the next 3 s
	local a b
	a=$(awk '$1 == "cpu" {print $2 + $3 + $4 + $7 + $8, $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9; exit}' /proc/stat)
	sleep 3
	b=$(awk '$1 == "cpu" {print $2 + $3 + $4 + $7 + $8, $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9; exit}' /proc/stat)
	echo $(((${b% *} - ${a% *}) * 100 / (${b#* } - ${a#* } > 0 ? ${b#* } - ${a#* } : 1)))
}
busy=$(machine_busy_percent)
waited=0
while ((busy >= 10 && waited < QUIET_WAIT)); do
	log "other work keeps ${busy} % of all CPUs busy; waiting for quiet ($waited/${QUIET_WAIT}s)"
	sleep 2
	waited=$((waited + 5))
	busy=$(machine_busy_percent)
done
((busy < 10)) || log "WARNING: other work keeps ${busy} % of all CPUs busy; the figures will be lower and noisier (see 'other CPU')"

total_s=$((WARMUP * 2 + DURATION * 2 * ROUNDS))
log "measuring: warm-up ${WARMUP}s per target, then $ROUNDS round(s) x 2 targets x ${DURATION}s (about ${total_s}s)"
if ((WARMUP > 0)); then
	run_wrk warmup 0 gateway "$WARMUP"
	run_wrk warmup 0 bare "$WARMUP"
fi
for ((round = 1; round <= ROUNDS; round++)); do
	if ((round % 2 == 1)); then
		run_wrk measure "$round" gateway "$DURATION"
		run_wrk measure "$round" bare "$DURATION"
	else
		run_wrk measure "$round" bare "$DURATION"
		run_wrk measure "$round" gateway "$DURATION"
	fi
done

# ---- profile -----------------------------------------------------------------------------------
PROFILE_FILE=""
BARE_PROFILE_FILE=""
if [[ $PROFILE == 1 ]]; then
	stop_pid "$GW_PID" # graceful: node writes the .cpuprofile on exit
	forget_pid "$GW_PID"
	stop_pid "$BARE_PID"
	forget_pid "$BARE_PID"
	PROFILE_FILE=$(ls -t "$PROFILE_DIR"/*.cpuprofile 2>/dev/null | head -n 1 || true)
	BARE_PROFILE_FILE=$(ls -t "$PROFILE_DIR"/bare/*.cpuprofile 2>/dev/null | head -n 1 || true)
	[[ -n $PROFILE_FILE && -n $BARE_PROFILE_FILE ]] || die "no .cpuprofile was written to $PROFILE_DIR"
fi

# ---- report ------------------------------------------------------------------------------------
RESULTS_FILE="$RESULTS_DIR/latest.json"
[[ $PROFILE == 1 ]] && RESULTS_FILE="$RESULTS_DIR/latest-profile.json"
export BENCH_RUNS=$RUNS BENCH_RESULTS_FILE=$RESULTS_FILE BENCH_GATEWAY_MODE=$GW_MODE \
	BENCH_DURATION=$DURATION BENCH_WARMUP=$WARMUP BENCH_CONNECTIONS=$CONNECTIONS BENCH_THREADS=$THREADS \
	BENCH_ROUNDS=$ROUNDS BENCH_PROFILE=$PROFILE BENCH_BUSY_BEFORE=$busy BENCH_CLK_TCK=$(getconf CLK_TCK) \
	BENCH_REDIS_VERSION="$(redis-server --version | sed -n 's/.*v=\([0-9.]*\).*/\1/p')" \
	BENCH_WRK_VERSION="$(wrk -v 2>&1 | head -n 1 | awk '{print $2}' || true)" \
	BENCH_COMMIT="$(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet HEAD -- src 2>/dev/null || echo '+dirty-src')"
report_rc=0
node bench/report.js || report_rc=$?
WRK_LOG_OUT="${RESULTS_FILE%.json}-wrk.log"
cp "$WRK_LOG" "$WRK_LOG_OUT"
handled() { # target: requests wrk sent to it over the whole run (warm-up included), plus the probes
	node -e "const [f,t]=process.argv.slice(1);let n=t==='gateway'?2:1;for(const l of require('fs').readFileSync(f,'utf8').split('\n').filter(Boolean)){const r=JSON.parse(l);if(r.target===t)n+=r.wrk.sent}console.log(n)" "$RUNS" "$1"
}
if [[ -n $PROFILE_FILE ]]; then
	echo
	{
		echo "==== gateway"
		node bench/profile-summary.js "$PROFILE_FILE" 25 "$(handled gateway)"
		echo
		echo "==== bare express (for comparison)"
		node bench/profile-summary.js "$BARE_PROFILE_FILE" 15 "$(handled bare)"
	} | tee "$PROFILE_DIR/summary.txt"
	log "profiles: $PROFILE_FILE, $BARE_PROFILE_FILE (open them in Chrome DevTools > Performance); summary in $PROFILE_DIR/summary.txt"
fi
log "wrk output: $WRK_LOG_OUT; results: $RESULTS_FILE"
exit "$report_rc"
