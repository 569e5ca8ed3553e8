#!/usr/bin/env bash
# Throughput benchmark, one run, one machine, one load generator (wrk), the identical signed ~1 KiB
# GitHub push request for every target:
#   http      a bare node:http server that reads the body, JSON.parse's it and answers 202
#             (bench/bare-http.js): the floor every other target is compared with
#   gateway   the standalone gateway, one process (`webhook-gateway serve --workers 1`; GitHub HMAC
#             endpoint, `unlimited` plan, every event stored durably in a private Redis)
#   gateway-w2  the same with `serve --workers 2` (node:cluster; CPU of the primary + workers)
#   gateway-always  the one-process gateway on a Redis of its own with appendfsync always
#   embedded  the same gateway embedded in n8n 2.41.1 (WEBHOOK_GATEWAY_N8N_SERVE=true, an active
#             Webhook Batch Trigger on the endpoint), same Redis, endpoint settings and secret
#   bare      a bare express 5 app that only parses JSON and answers 202 (the practical limit)
#   n8n       n8n 2.41.1's own Webhook node ("respond immediately") + a NoOp node
#   ingress   the embedded target's endpoint through n8n's own HTTP server (Webhook Gateway Ingress
#             node, docs/n8n-url.md), N8N_CONNECTIONS and N8N_DURATION like the n8n target; not in
#             the default TARGETS
#
#   bash bench/run.sh            (or: npm run bench)
#
# Knobs (environment):
#   TARGETS=http,gateway,gateway-w2,gateway-always,embedded,bare,n8n   which targets, in this order
#                    on odd rounds (reversed on even); ingress is opt-in
#                    smoke: TARGETS=http,gateway DURATION=5 WARMUP=2 ROUNDS=1 (< 1 min after the build)
#   DURATION=20      seconds measured per target and round
#   WARMUP=5         seconds of warm-up per target before the rounds (not reported; 0 = none)
#   CONNECTIONS=50   wrk connections
#   THREADS=1        wrk threads (wrk shares the cores with the servers and Redis)
#   ROUNDS=2         rounds; the order of the targets alternates and the median is reported
#   N8N_DURATION     seconds per round for the n8n target (default: DURATION)
#   N8N_CONNECTIONS  wrk connections for the n8n target (default: CONNECTIONS)
#   WRK_TIMEOUT=10   wrk's --timeout in seconds (a slower answer counts as a timeout error)
#   N8N_START_TIMEOUT=900  seconds allowed for pack + n8n start (the first run installs n8n, ~5 min)
#   GATEWAY=auto     how to start the standalone gateway: cli (`node bin/webhook-gateway.js serve`),
#                    script (bench/start-gateway.js) or auto (cli, else script)
#   GATEWAY_NODE=node  the node binary that runs the standalone gateway (e.g. n8n's Node 24 from
#                    ~/.cache/n8n-nodes-webhook-gateway/n8n-2.41.1/node24/node_modules/node/bin/node,
#                    to compare with the embedded gateway on the same Node)
#   PROFILE=0        1: run the gateway (via bench/start-gateway.js) and bare node:http (else bare
#                    express) under `node --cpu-prof` and print their top self-time functions and modules
#                    (bench/results/profile-*/); results go to latest-profile.json. TARGETS
#                    defaults to gateway,http then.
#   SKIP_BUILD=0     1: use dist/ as it is (otherwise `npm run build` when dist is missing or older
#                    than src/, nodes/ or credentials/)
#   QUIET_WAIT=0     wait up to this many seconds for the machine to be quiet (< 10 % busy over 3 s)
#                    before measuring; either way the other load is measured and reported
#   BENCH_N8N_EXPRESSION_ENGINE  n8n's N8N_EXPRESSION_ENGINE (default: n8n's own, vm; legacy makes
#                    the ingress target skip n8n's per-request expression isolate)
#   N8N_NODE_OPTIONS NODE_OPTIONS for n8n, e.g. '--cpu-prof --cpu-prof-dir=/tmp/n8n-prof' (written
#                    when n8n stops at the end; covers n8n's start-up too)
#   MAX_STOLEN=10    measure a target's round again (up to STOLEN_RETRIES=2 times) when the hypervisor
#                    stole more than this % of a core during it; the disturbed run is kept in
#                    latest.json as phase "disturbed" and left out of the medians (0 = off)
#   REDIS_ARGS       extra redis-server arguments for every Redis of the run, e.g.
#                    "--auto-aof-rewrite-percentage 0" (no AOF rewrite, so no fork, during the run)
#   RELEASE=0        1: afterwards, stop everything and run bench/release.ts (the Batch Trigger
#                    release benchmark), which sets its figures beside this run's n8n target
#
# Everything listens on 127.0.0.1; every process started here is stopped by pid on exit, also on
# failure or Ctrl-C (n8n's process group by its id). Not part of the test run. Per target: req/s,
# p50/p99, CPU µs per request of the server process(es) and of Redis (per stored event), the accepts/s
# one Redis core could take at that cost, and every ratio against `http` of the same run. Results:
# bench/results/latest.json and latest-wrk.log (gitignored).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
BENCH_NAME=bench
# shellcheck source=bench/lib.sh
source bench/lib.sh

DURATION=${DURATION:-20}
WARMUP=${WARMUP:-5}
CONNECTIONS=${CONNECTIONS:-50}
THREADS=${THREADS:-1}
ROUNDS=${ROUNDS:-2}
N8N_DURATION=${N8N_DURATION:-$DURATION}
N8N_CONNECTIONS=${N8N_CONNECTIONS:-$CONNECTIONS}
WRK_TIMEOUT=${WRK_TIMEOUT:-10}
N8N_START_TIMEOUT=${N8N_START_TIMEOUT:-900}
GATEWAY=${GATEWAY:-auto}
GATEWAY_NODE=${GATEWAY_NODE:-node}
PROFILE=${PROFILE:-0}
SKIP_BUILD=${SKIP_BUILD:-0}
QUIET_WAIT=${QUIET_WAIT:-0}
MAX_STOLEN=${MAX_STOLEN:-10}
STOLEN_RETRIES=${STOLEN_RETRIES:-2}
RELEASE=${RELEASE:-0}
if [[ $PROFILE == 1 ]]; then TARGETS=${TARGETS:-gateway,http}; else TARGETS=${TARGETS:-http,gateway,gateway-w2,gateway-always,embedded,bare,n8n}; fi

for knob in DURATION WARMUP CONNECTIONS THREADS ROUNDS N8N_DURATION N8N_CONNECTIONS WRK_TIMEOUT N8N_START_TIMEOUT QUIET_WAIT MAX_STOLEN STOLEN_RETRIES; do
	[[ ${!knob} =~ ^[0-9]+$ ]] || die "$knob must be a whole number, got '${!knob}'"
done
((DURATION >= 1 && N8N_DURATION >= 1 && WRK_TIMEOUT >= 1)) || die "DURATION, N8N_DURATION and WRK_TIMEOUT must be at least 1"
((CONNECTIONS >= 1 && N8N_CONNECTIONS >= 1 && THREADS >= 1 && ROUNDS >= 1)) || die "CONNECTIONS, N8N_CONNECTIONS, THREADS and ROUNDS must be at least 1"
((CONNECTIONS >= THREADS && N8N_CONNECTIONS >= THREADS)) || die "CONNECTIONS and N8N_CONNECTIONS must be at least THREADS"
[[ $GATEWAY =~ ^(auto|cli|script)$ ]] || die "GATEWAY must be auto, cli or script, got '$GATEWAY'"
[[ $PROFILE =~ ^[01]$ ]] || die "PROFILE must be 0 or 1"
[[ $RELEASE =~ ^[01]$ ]] || die "RELEASE must be 0 or 1"

IFS=, read -r -a TARGET_LIST <<<"$TARGETS"
((${#TARGET_LIST[@]} >= 1)) || die "TARGETS is empty"
declare -A SEEN=()
for t in "${TARGET_LIST[@]}"; do
	[[ $t =~ ^(http|gateway|gateway-w2|gateway-always|embedded|bare|n8n|ingress)$ ]] ||
		die "unknown target '$t' in TARGETS (known: http, gateway, gateway-w2, gateway-always, embedded, bare, n8n, ingress)"
	[[ -z ${SEEN[$t]:-} ]] || die "target '$t' is listed twice in TARGETS"
	SEEN[$t]=1
done
has_target() { [[ -n ${SEEN[$1]:-} ]]; }
if [[ $PROFILE == 1 ]]; then
	has_target gateway && { has_target http || has_target bare; } || die "PROFILE=1 profiles the gateway and a bare server: TARGETS must include gateway and http or bare"
fi

ensure_tools
build_if_needed
command -v "$GATEWAY_NODE" >/dev/null || die "GATEWAY_NODE '$GATEWAY_NODE' is not an executable"

bench_begin

start_redis
MAIN_REDIS_PORT=$REDIS_PORT MAIN_REDIS_PID=$REDIS_PID

# One secret for every gateway endpoint, so that wrk sends every target the same signed request.
SECRET=$(od -An -N24 -tx1 /dev/urandom | tr -d ' \n')
BODY_FILE=bench/payload.json
SIGNATURE=$(sign_body "$SECRET" "$BODY_FILE")
BAD_SIGNATURE="sha256=$(printf '0%.0s' {1..64})"
export BENCH_BODY_FILE=$BODY_FILE BENCH_SIGNATURE=$SIGNATURE

RESULTS_DIR=bench/results
mkdir -p "$RESULTS_DIR"
PROFILE_DIR=""
[[ $PROFILE == 1 ]] && PROFILE_DIR="$RESULTS_DIR/profile-$(date +%Y%m%d-%H%M%S)" && mkdir -p "$PROFILE_DIR"

# ---- standalone gateways and bare servers -----------------------------------------------------
# gateway (one process), gateway-w2 (`serve --workers 2`, node:cluster: the CPU of the primary and
# its workers is counted), gateway-always (one process on a Redis of its own with appendfsync
# always). Each listens on its own port; those on the shared Redis share its registry, so the bench
# endpoint is created once per Redis. URL, STREAM_OF, SERVER_PID, REDIS_PORT_OF and REDIS_PID_OF
# hold each target's address, stream key, answering process and Redis.
declare -A URL=() STREAM_OF=() SERVER_PID=() REDIS_PORT_OF=() REDIS_PID_OF=() ENDPOINT_ON=()
GW_PID="" GW_MODE="" GW_STREAM="wgw:{a:bench}:stream:bench-github"
start_gateway() { # mode workers port redis-port target: sets GW_PID
	local node_flags=()
	[[ $PROFILE == 1 && $5 == gateway ]] && node_flags=(--cpu-prof --cpu-prof-dir="$PROFILE_DIR")
	if [[ $1 == cli ]]; then
		WEBHOOK_GATEWAY_PORT=$3 WEBHOOK_GATEWAY_REDIS_URL="redis://127.0.0.1:$4" \
			"$GATEWAY_NODE" "${node_flags[@]}" bin/webhook-gateway.js serve --workers "$2" >>"$WORK/gateway.log" 2>&1 &
	else
		WEBHOOK_GATEWAY_PORT=$3 WEBHOOK_GATEWAY_REDIS_URL="redis://127.0.0.1:$4" \
			"$GATEWAY_NODE" "${node_flags[@]}" bench/start-gateway.js >>"$WORK/gateway.log" 2>&1 &
	fi
	GW_PID=$!
	PIDS+=("$GW_PID")
}
launch_gateway() { # mode workers port redis-port target: start it and wait until /healthz answers; on failure stop it, return 1
	start_gateway "$@"
	wait_http "http://127.0.0.1:$3/healthz" "$GW_PID" 20 && return 0
	stop_pid "$GW_PID"
	forget_pid "$GW_PID"
	return 1
}
ALWAYS_REDIS_PORT="" ALWAYS_REDIS_PID=""
if has_target gateway-always; then
	start_redis always
	ALWAYS_REDIS_PORT=$REDIS_PORT ALWAYS_REDIS_PID=$REDIS_PID
	REDIS_PORT=$MAIN_REDIS_PORT REDIS_PID=$MAIN_REDIS_PID
fi
for t in gateway gateway-w2 gateway-always; do
	has_target "$t" || continue
	gateway_env
	workers=1 rport=$REDIS_PORT rpid=$REDIS_PID
	[[ $t == gateway-w2 ]] && workers=2
	[[ $t == gateway-always ]] && rport=$ALWAYS_REDIS_PORT rpid=$ALWAYS_REDIS_PID
	case $GATEWAY/$PROFILE/$t in
	*/gateway-w2 | */*/gateway-always | auto/0/*)
		if [[ -f dist/src/cli/main.js ]] && launch_gateway cli "$workers" "$GW_PORT" "$rport" "$t"; then
			mode=cli
		else
			[[ $workers == 1 ]] || die "$t needs \`node bin/webhook-gateway.js serve --workers 2\` (dist/src/cli/main.js)"
			log "\`node bin/webhook-gateway.js serve\` is not available (yet); using bench/start-gateway.js"
			launch_gateway script 1 "$GW_PORT" "$rport" "$t" || die "the gateway (bench/start-gateway.js) did not come up on port $GW_PORT"
			mode=script
		fi
		;;
	cli/*)
		launch_gateway cli 1 "$GW_PORT" "$rport" "$t" || die "\`node bin/webhook-gateway.js serve\` did not come up on port $GW_PORT"
		mode=cli
		;;
	*) # script, and auto with PROFILE=1 (its graceful SIGTERM lets node write the profile)
		launch_gateway script 1 "$GW_PORT" "$rport" "$t" || die "the gateway (bench/start-gateway.js) did not come up on port $GW_PORT"
		mode=script
		;;
	esac
	[[ $t == gateway ]] && GW_MODE=$mode
	log "$t ($mode, $workers worker(s)) pid $GW_PID on 127.0.0.1:$GW_PORT, Redis port $rport"
	if [[ -z ${ENDPOINT_ON[$rport]:-} ]]; then
		create_endpoint bench-github "$SECRET"
		ENDPOINT_ON[$rport]=1
	fi
	URL[$t]="http://127.0.0.1:$GW_PORT/hooks/bench-github" STREAM_OF[$t]=$GW_STREAM SERVER_PID[$t]=$GW_PID
	REDIS_PORT_OF[$t]=$rport REDIS_PID_OF[$t]=$rpid
	# Probes: the signed request is accepted, a wrong signature is refused (the check is really made).
	probe "${URL[$t]}" "$SIGNATURE" 202 "$t"
	probe "${URL[$t]}" "$BAD_SIGNATURE" 403 "$t"
done
GW_PID=${SERVER_PID[gateway]:-}

start_bare() { # target script what
	local port flags=()
	port=$(free_port)
	[[ $PROFILE == 1 ]] && flags=(--cpu-prof --cpu-prof-dir="$PROFILE_DIR/$1")
	FAIL_LOGS+=("$1.log")
	PORT=$port HOST=127.0.0.1 node "${flags[@]}" "$2" >"$WORK/$1.log" 2>&1 &
	SERVER_PID[$1]=$!
	PIDS+=("${SERVER_PID[$1]}")
	wait_http "http://127.0.0.1:$port/healthz" "${SERVER_PID[$1]}" 10 || die "the $3 did not come up"
	URL[$1]="http://127.0.0.1:$port/hooks/bench-github"
	log "$3 pid ${SERVER_PID[$1]} on 127.0.0.1:$port"
}
has_target http && start_bare http bench/bare-http.js "bare node:http server"
has_target bare && start_bare bare bench/bare-express.js "bare express app"
BARE_PID=${SERVER_PID[bare]:-}

# ---- n8n (embedded gateway, n8n's own Webhook node) --------------------------------------------
N8N_PID="" HELPER_PID="" EMB_URL="" EMB_STREAM="" WH_URL="" ING_URL="" CTL_URL="" WH_WORKFLOW="" N8N_START_SECONDS=null
info_field() { node -e "const v=require(process.argv[1])[process.argv[2]];if(v===undefined)process.exit(1);console.log(v)" "$WORK/n8n.json" "$1"; }
if has_target embedded || has_target n8n || has_target ingress; then
	# The helper lives as long as the run needs it, with a margin; `timeout` bounds it even if this
	# script is killed without a chance to clean up.
	# (start, quiet wait, then per target: warm-up, rounds and up to 150 s of settling per round).
	helper_bound=$((N8N_START_TIMEOUT + QUIET_WAIT + 600 + (WARMUP + (DURATION > N8N_DURATION ? DURATION : N8N_DURATION) * ROUNDS + 150 * (ROUNDS + 1)) * ${#TARGET_LIST[@]}))
	FAIL_LOGS+=(n8n-targets.log)
	BENCH_REDIS_URL="redis://127.0.0.1:$REDIS_PORT" BENCH_SECRET=$SECRET BENCH_INFO_FILE="$WORK/n8n.json" BENCH_N8N_NODE_OPTIONS=${N8N_NODE_OPTIONS:-} \
		timeout "$helper_bound" node --import tsx bench/n8n-targets.ts >"$WORK/n8n-targets.log" 2>&1 &
	HELPER_PID=$!
	PIDS+=("slow:$HELPER_PID")
	log "starting n8n 2.41.1 with the package (bench/n8n-targets.ts, pid $HELPER_PID; up to ${N8N_START_TIMEOUT}s)"
	for ((i = 0; i < N8N_START_TIMEOUT * 2; i++)); do
		[[ -f $WORK/n8n.json ]] && break
		kill -0 "$HELPER_PID" 2>/dev/null || die "bench/n8n-targets.ts exited before n8n was ready"
		sleep 0.5
	done
	[[ -f $WORK/n8n.json ]] || die "n8n was not ready within ${N8N_START_TIMEOUT}s"
	N8N_PID=$(info_field n8nPid)
	GROUPS_TO_REAP+=("$N8N_PID")
	HELPER_NODE_PID=$(child_pid "$HELPER_PID") # `timeout` runs node as its child
	EMB_URL=$(info_field embeddedUrl)
	EMB_STREAM=$(info_field embeddedStreamKey)
	WH_URL=$(info_field webhookUrl)
	ING_URL=$(info_field ingressUrl)
	CTL_URL=$(info_field controlUrl)
	WH_WORKFLOW=$(info_field webhookWorkflowId)
	N8N_START_SECONDS=$(info_field startSeconds)
	URL[embedded]=$EMB_URL STREAM_OF[embedded]=$EMB_STREAM SERVER_PID[embedded]=$N8N_PID
	URL[ingress]=$ING_URL STREAM_OF[ingress]=$EMB_STREAM SERVER_PID[ingress]=$N8N_PID
	URL[n8n]=$WH_URL SERVER_PID[n8n]=$N8N_PID
	log "n8n pid $N8N_PID ($(info_field n8nUrl)), embedded gateway $EMB_URL, Webhook node $WH_URL"
	if has_target embedded; then
		probe "$EMB_URL" "$SIGNATURE" 202 "embedded gateway"
		probe "$EMB_URL" "$BAD_SIGNATURE" 403 "embedded gateway"
	fi
	has_target n8n && probe "$WH_URL" "$SIGNATURE" 200 "n8n's Webhook node"
	if has_target ingress; then
		probe "$ING_URL" "$SIGNATURE" 202 "ingress on n8n's port"
		probe "$ING_URL" "$BAD_SIGNATURE" 403 "ingress on n8n's port"
	fi
fi

# ---- measuring ---------------------------------------------------------------------------------
stored_events() { # redis-port stream-key: XLEN
	redis-cli -p "$1" --raw XLEN "$2"
}
clear_stream() { # redis-port stream-key: empty it; XTRIM keeps the stream and its consumer groups
	# (the embedded endpoint's Batch Trigger subscriber), DEL would drop them
	redis-cli -p "$1" XTRIM "$2" MAXLEN 0 >/dev/null
}
redis_stats() { # redis-port: "scripts reads forks forkUs": EVALSHA/EVAL calls (one per ingest request),
	# socket reads, forks (AOF rewrites) and the last fork's duration in µs (Redis stops meanwhile)
	redis-cli -p "$1" INFO all | tr -d '\r' |
		awk -F'[:=,]' '$1 == "cmdstat_evalsha" || $1 == "cmdstat_eval" {c += $3} $1 == "total_reads_processed" {r = $2}
			$1 == "total_forks" {f = $2} $1 == "latest_fork_usec" {u = $2} END {print c + 0, r + 0, f + 0, u + 0}'
}
exec_summary() { # afterId: n8n's Webhook-node executions with a larger id (JSON)
	curl -fsS --max-time 120 "$CTL_URL/executions?workflowId=$WH_WORKFLOW&afterId=$1"
}
settled_executions() { # afterId: the summary once every execution has finished and no new one
	# appeared for a second (n8n answers "respond immediately" webhooks before the workflow runs,
	# and lists the execution a little later); at most 120 s
	local summary prev="" state i
	for ((i = 0; i < 120; i++)); do
		summary=$(exec_summary "$1")
		state=$(node -e "const s=JSON.parse(require('fs').readFileSync(0));console.log(s.total+'/'+s.finished+'/'+s.maxId)" <<<"$summary")
		[[ $state == "$prev" && $(cut -d/ -f1 <<<"$state") == $(cut -d/ -f2 <<<"$state") ]] && break
		prev=$state
		sleep 1
	done
	echo "$summary"
}
LAST_EXEC_ID=0
# After the probes: their executions belong to no window.
[[ -n $CTL_URL ]] && LAST_EXEC_ID=$(settled_executions 0 | node -e "console.log(JSON.parse(require('fs').readFileSync(0)).maxId)")

RUNS="$WORK/runs.jsonl"
: >"$RUNS"
WRK_LOG="$WORK/wrk.log" # copied next to the results at the end, so both always belong to one run
: >"$WRK_LOG"
all_ticks() { # "gateway redis bare n8n n8nGroup helper"
	echo "$(cpu_ticks "$GW_PID") $(cpu_ticks "$REDIS_PID") $(cpu_ticks "$BARE_PID") $(cpu_ticks "$N8N_PID") $(group_ticks "$N8N_PID") $(cpu_ticks "${HELPER_NODE_PID:-}")"
}
target_ticks() { # target: "server redis": CPU ticks of the process(es) that answer the target
	# (a cluster primary with its workers) and of the Redis that stores its events
	local server
	if [[ $1 == gateway* ]]; then server=$(tree_ticks "${SERVER_PID[$1]}"); else server=$(cpu_ticks "${SERVER_PID[$1]}"); fi
	echo "$server $(cpu_ticks "${REDIS_PID_OF[$1]:-$REDIS_PID}")"
}
check_alive() { # what
	local t
	for t in "${!SERVER_PID[@]}"; do
		kill -0 "${SERVER_PID[$t]}" 2>/dev/null || die "the $t server (pid ${SERVER_PID[$t]}) exited during the $1 run"
	done
	kill -0 "$REDIS_PID" 2>/dev/null || die "redis-server (pid $REDIS_PID) exited during the $1 run"
	[[ -z $ALWAYS_REDIS_PID ]] || kill -0 "$ALWAYS_REDIS_PID" 2>/dev/null || die "redis-server (appendfsync always, pid $ALWAYS_REDIS_PID) exited during the $1 run"
	[[ -z $N8N_PID ]] || kill -0 "$N8N_PID" 2>/dev/null || die "n8n (pid $N8N_PID) exited during the $1 run"
}
run_wrk() { # phase round target seconds
	local phase=$1 round=$2 target=$3 secs=$4 url stream conns=$CONNECTIONS out rport
	url=${URL[$target]} stream=${STREAM_OF[$target]:-} rport=${REDIS_PORT_OF[$target]:-$REDIS_PORT}
	[[ $target == n8n || $target == ingress ]] && conns=$N8N_CONNECTIONS
	out="$WORK/wrk-$phase-$round-$target.txt"
	[[ -n $stream ]] && clear_stream "$rport" "$stream"
	local k0 k1 t0 t1 m0 m1 s0 s1 x0 x1 wrk_cpu stored=null executions=null
	s0=$(redis_stats "$rport")
	x0=$(target_ticks "$target") k0=$(all_ticks) m0=$(busy_ticks) t0=$(now_ns)
	# wrk runs in the background and the script waits for it, so that a signal stops the run at
	# once (the trap stops wrk too). The children's CPU times before and after give wrk's CPU.
	local c0 c1 wrk_pid wrk_rc=0
	children_cpu
	c0=$CHILD_CPU
	timeout $((secs + WRK_TIMEOUT + 30)) wrk -t"$THREADS" -c"$conns" -d"${secs}s" --timeout "${WRK_TIMEOUT}s" --latency \
		-s bench/post.lua "$url" >"$out" 2>&1 &
	wrk_pid=$!
	PIDS+=("$wrk_pid")
	wait "$wrk_pid" || wrk_rc=$?
	children_cpu
	c1=$CHILD_CPU
	t1=$(now_ns) m1=$(busy_ticks) k1=$(all_ticks) x1=$(target_ticks "$target")
	forget_pid "$wrk_pid"
	check_alive "$target"
	if ((wrk_rc != 0)); then
		cat "$out" >&2
		die "wrk failed (exit $wrk_rc) against the $target ($url)"
	fi
	s1=$(redis_stats "$rport")
	wrk_cpu=$(awk -v a="$c0" -v b="$c1" 'BEGIN {printf "%.3f", b - a}')
	if [[ -n $stream ]]; then
		# Requests still in flight when wrk stopped are finished by the gateway; let them land.
		local prev=-1 i
		for ((i = 0; i < 50; i++)); do
			stored=$(stored_events "$rport" "$stream")
			[[ $stored == "$prev" ]] && break
			prev=$stored
			sleep 0.1
		done
	fi
	if [[ $target == n8n ]]; then
		# Wait until every execution of the window has finished, so that none of them runs into
		# the next target's window.
		local summary
		summary=$(settled_executions "$LAST_EXEC_ID")
		executions=$(node -e '
			const s = JSON.parse(require("fs").readFileSync(0));
			const [t0, t1] = process.argv.slice(1).map(Number);
			const started = s.executions.map((e) => e.startedAt).filter((x) => x !== null);
			const stopped = s.executions.map((e) => e.stoppedAt).filter((x) => x !== null);
			const inWindow = s.executions.filter((e) => e.stoppedAt !== null && e.stoppedAt >= t0 && e.stoppedAt <= t1).length;
			console.log(JSON.stringify({ total: s.total, finished: s.finished, success: s.success, finishedInWindow: inWindow,
				firstStartedAt: started.length ? Math.min(...started) : null, lastStoppedAt: stopped.length ? Math.max(...stopped) : null, maxId: s.maxId }));
		' "$((t0 / 1000000))" "$((t1 / 1000000))" <<<"$summary")
		LAST_EXEC_ID=$(node -e "console.log(JSON.parse(process.argv[1]).maxId)" "$executions")
	fi
	{
		echo "==== $phase round $round: $target ($url), ${secs}s, $THREADS thread(s), $conns connections"
		cat "$out"
		echo
	} >>"$WRK_LOG"
	local result
	result=$(sed -n 's/^BENCH_RESULT //p' "$out")
	[[ -n $result ]] || {
		cat "$out" >&2
		die "no BENCH_RESULT line in wrk's output"
	}
	local redis_commands redis_reads redis_forks fork_us r0 r1
	read -r -a r0 <<<"$s0"
	read -r -a r1 <<<"$s1"
	redis_commands=$((r1[0] - r0[0])) redis_reads=$((r1[1] - r0[1])) redis_forks=$((r1[2] - r0[2])) fork_us=${r1[3]}
	read -r -a a0 <<<"$k0"
	read -r -a a1 <<<"$k1"
	printf '{"phase":"%s","round":%d,"target":"%s","connections":%d,"elapsedNs":%d,"ticks":{"gateway":%d,"redis":%d,"bare":%d,"n8n":%d,"n8nGroup":%d,"helper":%d},"targetTicks":{"server":%d,"redis":%d},"machineTicks":{"busy":%d,"steal":%d},"wrkCpuSeconds":%s,"stored":%s,"executions":%s,"redis":{"scripts":%d,"reads":%d,"forks":%d,"lastForkUs":%d},"wrk":%s}\n' \
		"$phase" "$round" "$target" "$conns" $((t1 - t0)) \
		$((a1[0] - a0[0])) $((a1[1] - a0[1])) $((a1[2] - a0[2])) $((a1[3] - a0[3])) $((a1[4] - a0[4])) $((a1[5] - a0[5])) \
		$((${x1% *} - ${x0% *})) $((${x1#* } - ${x0#* })) \
		$((${m1% *} - ${m0% *})) $((${m1#* } - ${m0#* })) "$wrk_cpu" "$stored" "$executions" "$redis_commands" "$redis_reads" "$redis_forks" "$fork_us" "$result" >>"$RUNS"
	# % of one core the hypervisor gave to other guests during the run (whole percent).
	LAST_STOLEN=$(((${m1#* } - ${m0#* }) * 100 * 1000000000 / ($(getconf CLK_TCK) * (t1 - t0))))
	log "$phase round $round $target: $(awk '/Requests\/sec/ {print $2 " req/s"}' "$out") (stolen ${LAST_STOLEN} % of a core)"
}

measure() { # round target: one measured run, again while the hypervisor steals more than MAX_STOLEN
	local round=$1 target=$2 tries=0
	while :; do
		run_wrk measure "$round" "$target" "$(secs_of "$target")"
		((MAX_STOLEN > 0 && LAST_STOLEN > MAX_STOLEN && tries < STOLEN_RETRIES)) || return 0
		tries=$((tries + 1))
		sed -i '$ s/"phase":"measure"/"phase":"disturbed"/' "$RUNS"
		log "round $round $target: the hypervisor stole ${LAST_STOLEN} % of a core (MAX_STOLEN=$MAX_STOLEN); measuring it again ($tries/$STOLEN_RETRIES)"
	done
}

wait_quiet "$QUIET_WAIT"

secs_of() { if [[ $1 == n8n || $1 == ingress ]]; then echo "$N8N_DURATION"; else echo "$DURATION"; fi; }
total_s=0
for t in "${TARGET_LIST[@]}"; do total_s=$((total_s + WARMUP + $(secs_of "$t") * ROUNDS)); done
log "measuring: warm-up ${WARMUP}s per target, then $ROUNDS round(s) x ${#TARGET_LIST[@]} targets ($TARGETS) (about ${total_s}s of load)"
if ((WARMUP > 0)); then
	for t in "${TARGET_LIST[@]}"; do run_wrk warmup 0 "$t" "$WARMUP"; done
fi
for ((round = 1; round <= ROUNDS; round++)); do
	if ((round % 2 == 1)); then
		order=("${TARGET_LIST[@]}")
	else
		order=()
		for ((i = ${#TARGET_LIST[@]} - 1; i >= 0; i--)); do order+=("${TARGET_LIST[i]}"); done
	fi
	for t in "${order[@]}"; do measure "$round" "$t"; done
done

# ---- profile -----------------------------------------------------------------------------------
PROFILE_FILE=""
BARE_PROFILE_FILE=""
if [[ $PROFILE == 1 ]]; then
	stop_pid "$GW_PID" # graceful: node writes the .cpuprofile on exit
	forget_pid "$GW_PID"
	BARE_TARGET=bare
	has_target http && BARE_TARGET=http
	stop_pid "${SERVER_PID[$BARE_TARGET]}"
	forget_pid "${SERVER_PID[$BARE_TARGET]}"
	PROFILE_FILE=$(ls -t "$PROFILE_DIR"/*.cpuprofile 2>/dev/null | head -n 1 || true)
	BARE_PROFILE_FILE=$(ls -t "$PROFILE_DIR/$BARE_TARGET"/*.cpuprofile 2>/dev/null | head -n 1 || true)
	[[ -n $PROFILE_FILE && -n $BARE_PROFILE_FILE ]] || die "no .cpuprofile was written to $PROFILE_DIR"
fi

# ---- report ------------------------------------------------------------------------------------
RESULTS_FILE="$RESULTS_DIR/latest.json"
[[ $PROFILE == 1 ]] && RESULTS_FILE="$RESULTS_DIR/latest-profile.json"
export BENCH_RUNS=$RUNS BENCH_RESULTS_FILE=$RESULTS_FILE BENCH_GATEWAY_MODE=$GW_MODE BENCH_TARGETS=$TARGETS \
	BENCH_DURATION=$DURATION BENCH_WARMUP=$WARMUP BENCH_CONNECTIONS=$CONNECTIONS BENCH_THREADS=$THREADS \
	BENCH_N8N_DURATION=$N8N_DURATION BENCH_N8N_CONNECTIONS=$N8N_CONNECTIONS BENCH_WRK_TIMEOUT=$WRK_TIMEOUT \
	BENCH_N8N_START_SECONDS=$N8N_START_SECONDS BENCH_GATEWAY_NODE_VERSION="$("$GATEWAY_NODE" -v)" \
	BENCH_ROUNDS=$ROUNDS BENCH_PROFILE=$PROFILE BENCH_BUSY_BEFORE=$BUSY_BEFORE BENCH_CLK_TCK=$(getconf CLK_TCK) \
	BENCH_REDIS_VERSION="$(redis-server --version | sed -n 's/.*v=\([0-9.]*\).*/\1/p')" \
	BENCH_WRK_VERSION="$(wrk -v 2>&1 | head -n 1 | awk '{print $2}' || true)" \
	BENCH_COMMIT="$(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet HEAD -- src nodes credentials 2>/dev/null || echo '+dirty')"
report_rc=0
node bench/report.js || report_rc=$?
WRK_LOG_OUT="${RESULTS_FILE%.json}-wrk.log"
cp "$WRK_LOG" "$WRK_LOG_OUT"
handled() { # target: requests wrk sent to it over the whole run (warm-up included), plus the probes
	node -e "const [f,t]=process.argv.slice(1);let n=t.startsWith('gateway')?2:1;for(const l of require('fs').readFileSync(f,'utf8').split('\n').filter(Boolean)){const r=JSON.parse(l);if(r.target===t)n+=r.wrk.sent}console.log(n)" "$RUNS" "$1"
}
if [[ -n $PROFILE_FILE ]]; then
	echo
	{
		echo "==== gateway"
		node bench/profile-summary.js "$PROFILE_FILE" 25 "$(handled gateway)"
		echo
		echo "==== $BARE_TARGET (for comparison)"
		node bench/profile-summary.js "$BARE_PROFILE_FILE" 15 "$(handled "$BARE_TARGET")"
	} | tee "$PROFILE_DIR/summary.txt"
	log "profiles: $PROFILE_FILE, $BARE_PROFILE_FILE (open them in Chrome DevTools > Performance); summary in $PROFILE_DIR/summary.txt"
fi
log "wrk output: $WRK_LOG_OUT; results: $RESULTS_FILE"

# ---- release benchmark (RELEASE=1) -------------------------------------------------------------
if [[ $RELEASE == 1 ]]; then
	log "stopping the throughput targets before the release benchmark"
	for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do
		pid=${PIDS[i]}
		if [[ $pid == slow:* ]]; then stop_pid "${pid#slow:}" 30; else stop_pid "$pid"; fi
	done
	PIDS=()
	release_rc=0
	RELEASE_COMPARE=$RESULTS_FILE node --import tsx bench/release.ts &
	PIDS+=("slow:$!")
	wait "$!" || release_rc=$?
	PIDS=()
	((release_rc == 0)) || report_rc=$release_rc
fi
exit "$report_rc"
