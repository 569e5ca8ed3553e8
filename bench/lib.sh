# Shared shell helpers of bench/run.sh, bench/soak.sh and bench/profile-load.sh (sourced, not run).
#
# The sourcing script sets BENCH_NAME (log prefix), calls `bench_begin` (temp dir WORK, clean-up
# traps) and keeps the pids it started in PIDS. Everything listens on 127.0.0.1; every
# process is stopped by its pid (never by name), newest first.

# shellcheck disable=SC2034 # variables here are used by the sourcing scripts

die() {
	echo "${BENCH_NAME:-bench}: ERROR: $*" >&2
	exit 1
}
log() { echo "${BENCH_NAME:-bench}: $*" >&2; }

PIDS=()
# Process groups to SIGKILL after their parent was stopped (n8n runs in its own group; if the
# helper that started it could not stop it, the group is killed by its id).
GROUPS_TO_REAP=()
# Log files whose tail is printed when the script fails.
FAIL_LOGS=()

stop_pid() { # pid [grace seconds, default 10]: TERM, wait, then KILL
	local pid=$1 grace=${2:-10} i
	kill -TERM "$pid" 2>/dev/null || return 0
	for ((i = 0; i < grace * 10; i++)); do
		kill -0 "$pid" 2>/dev/null || return 0
		sleep 0.1
	done
	log "pid $pid did not stop within $grace s; killing it"
	kill -KILL "$pid" 2>/dev/null || true
}
forget_pid() { # pid: no longer ours to stop (it has exited; its number may be reused)
	local keep=() p
	for p in "${PIDS[@]}"; do [[ $p == "$1" ]] || keep+=("$p"); done
	PIDS=("${keep[@]}")
}
bench_begin() { # temp dir WORK (removed on exit); every started pid is stopped on exit, Ctrl-C or SIGTERM
	WORK=$(mktemp -d "${TMPDIR:-/tmp}/wgw-$BENCH_NAME.XXXXXX")
	trap bench_cleanup EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
}
bench_cleanup() {
	local rc=$?
	trap - EXIT INT TERM
	local i pid f
	# Newest first: wrk before the servers, Redis (started first) last.
	for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do
		pid=${PIDS[i]}
		if [[ $pid == slow:* ]]; then stop_pid "${pid#slow:}" 30; else stop_pid "$pid"; fi
	done
	for pid in "${GROUPS_TO_REAP[@]}"; do
		# Its parent has stopped it (or is being stopped with it): give the kernel a moment.
		for ((i = 0; i < 50; i++)); do
			kill -0 -- "-$pid" 2>/dev/null || break
			sleep 0.1
		done
		if kill -0 -- "-$pid" 2>/dev/null; then
			log "process group $pid is still there 5 s after its parent stopped; killing it"
			kill -KILL -- "-$pid" 2>/dev/null || true
		fi
	done
	if ((rc != 0)) && [[ -d ${WORK:-} ]]; then
		for f in "${FAIL_LOGS[@]}"; do
			if [[ -s $WORK/$f ]]; then
				echo "---- last lines of $f ----" >&2
				tail -n 30 "$WORK/$f" >&2
			fi
		done
	fi
	[[ -n ${WORK:-} && -d $WORK ]] && rm -rf "$WORK"
	exit "$rc"
}

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
cpu_ticks() { # pid: utime+stime of the whole process, in clock ticks (0 without a pid)
	[[ -n ${1:-} ]] || {
		echo 0
		return
	}
	local stat
	stat=$(<"/proc/$1/stat") 2>/dev/null || {
		echo 0
		return
	}
	stat=${stat##*) } # drop "pid (comm) "; utime and stime are then fields 12 and 13
	awk '{print $12 + $13}' <<<"$stat"
}
group_ticks() { # pgid: utime+stime of every live process of the group, in clock ticks
	[[ -n ${1:-} ]] || {
		echo 0
		return
	}
	local pgid=$1 f stat total=0
	for f in /proc/[0-9]*/stat; do
		stat=$(<"$f") 2>/dev/null || continue
		stat=${stat##*) } # then: state ppid pgrp ... utime (12) stime (13)
		# shellcheck disable=SC2086
		set -- $stat
		[[ $3 == "$pgid" ]] || continue
		total=$((total + ${12} + ${13}))
	done 2>/dev/null
	echo "$total"
}
tree_ticks() { # pid: utime+stime of the process and its live children (cluster workers), in clock ticks
	[[ -n ${1:-} ]] || {
		echo 0
		return
	}
	local parent=$1 f stat total
	total=$(cpu_ticks "$parent")
	for f in /proc/[0-9]*/stat; do
		stat=$(<"$f") 2>/dev/null || continue
		stat=${stat##*) }
		# shellcheck disable=SC2086
		set -- $stat
		[[ $2 == "$parent" ]] && total=$((total + ${12} + ${13}))
	done 2>/dev/null
	echo "$total"
}
child_pid() { # ppid: the first process whose parent is ppid (empty when none)
	local parent=$1 f stat
	for f in /proc/[0-9]*/stat; do
		stat=$(<"$f") 2>/dev/null || continue
		stat=${stat##*) }
		# shellcheck disable=SC2086
		set -- $stat
		if [[ $2 == "$parent" ]]; then
			f=${f#/proc/}
			echo "${f%/stat}"
			return
		fi
	done 2>/dev/null
}
rss_kib() { # pid: "VmRSS VmHWM" in KiB
	awk '$1 == "VmRSS:" {r = $2} $1 == "VmHWM:" {h = $2} END {print r + 0, h + 0}' "/proc/$1/status" 2>/dev/null || echo "0 0"
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
machine_busy_percent() { # % of all CPUs busy over the next 3 s
	local a b
	a=$(awk '$1 == "cpu" {print $2 + $3 + $4 + $7 + $8, $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9; exit}' /proc/stat)
	sleep 3
	b=$(awk '$1 == "cpu" {print $2 + $3 + $4 + $7 + $8, $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9; exit}' /proc/stat)
	echo $(((${b% *} - ${a% *}) * 100 / (${b#* } - ${a#* } > 0 ? ${b#* } - ${a#* } : 1)))
}
wait_quiet() { # seconds: wait up to that long for other work to drop below 10 %; sets BUSY_BEFORE
	local limit=$1 waited=0
	BUSY_BEFORE=$(machine_busy_percent)
	while ((BUSY_BEFORE >= 10 && waited < limit)); do
		log "other work keeps ${BUSY_BEFORE} % of all CPUs busy; waiting for quiet ($waited/${limit}s)"
		sleep 2
		waited=$((waited + 5))
		BUSY_BEFORE=$(machine_busy_percent)
	done
	((BUSY_BEFORE < 10)) || log "WARNING: other work keeps ${BUSY_BEFORE} % of all CPUs busy; the figures will be lower and noisier (see 'other CPU')"
}

ensure_tools() { # wrk, redis-server, redis-cli via apt-get when missing
	if ! command -v wrk >/dev/null || ! command -v redis-server >/dev/null || ! command -v redis-cli >/dev/null; then
		log "installing wrk and redis-server (apt-get)"
		local sudo=""
		[[ $(id -u) == 0 ]] || sudo="sudo"
		$sudo apt-get update
		DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y wrk redis-server redis-tools
	fi
	local tool
	for tool in node curl wrk redis-server redis-cli timeout; do
		command -v "$tool" >/dev/null || die "$tool is not installed"
	done
}

build_if_needed() { # SKIP_BUILD=1: use dist/ as it is
	# The build is not incremental: tsc rewrites every output, so server.js's time is the build's.
	local server_js=dist/src/gateway/server.js stamp=dist/src/gateway/server.js
	if [[ ${SKIP_BUILD:-0} != 1 ]]; then
		if [[ ! -f $server_js || -n $(find src nodes credentials -newer "$stamp" -print -quit) ]]; then
			log "building (npm run build)"
			npm run build >&2 || die "npm run build failed"
		fi
	fi
	[[ -f $server_js ]] || die "$server_js is missing after the build"
	[[ -f dist/src/redis/scripts/acceptEvent-6.lua ]] || die "dist/src/redis/scripts/*.lua are missing (gulp build)"
}

start_redis() { # [appendfsync, default everysec]: sets REDIS_PORT, REDIS_PID: private redis-server,
	# AOF, data in $WORK (everysec) or $WORK/redis-<appendfsync>; REDIS_ARGS (environment) are
	# appended to its command line, e.g. REDIS_ARGS="--auto-aof-rewrite-percentage 0"
	local fsync=${1:-everysec} dir=$WORK name=redis extra=()
	[[ $fsync == everysec ]] || name=redis-$fsync dir=$WORK/redis-$fsync
	read -r -a extra <<<"${REDIS_ARGS:-}"
	mkdir -p "$dir"
	REDIS_PORT=$(free_port)
	redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly yes --appendfsync "$fsync" \
		--dir "$dir" --logfile "$WORK/$name.log" --daemonize no "${extra[@]}" >/dev/null 2>&1 &
	REDIS_PID=$!
	PIDS+=("$REDIS_PID")
	FAIL_LOGS+=("$name.log")
	local i
	for ((i = 0; i < 50; i++)); do
		redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break
		kill -0 "$REDIS_PID" 2>/dev/null || die "redis-server exited at start"
		sleep 0.1
	done
	redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 || die "redis-server did not answer within 5 s"
	log "redis-server (appendfsync $fsync) pid $REDIS_PID on 127.0.0.1:$REDIS_PORT"
}

gateway_env() { # the standalone gateway's environment, on $REDIS_PORT
	GW_PORT=$(free_port)
	ADMIN_TOKEN="bench-admin-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"
	export WEBHOOK_GATEWAY_REDIS_URL="redis://127.0.0.1:$REDIS_PORT"
	export WEBHOOK_GATEWAY_PORT=$GW_PORT
	export WEBHOOK_GATEWAY_HOST=127.0.0.1
	export WEBHOOK_GATEWAY_ADMIN_TOKEN=$ADMIN_TOKEN
	export WEBHOOK_GATEWAY_ADMIN_PORT=0
	export WEBHOOK_GATEWAY_LOG_LEVEL=warn
	export WEBHOOK_GATEWAY_BUFFER_MAX_EVENTS=100000000
	export WEBHOOK_GATEWAY_BUFFER_MAX_BYTES=64gb
	unset WEBHOOK_GATEWAY_REDIS_CLUSTER_NODES WEBHOOK_GATEWAY_PUBLIC_URL WEBHOOK_GATEWAY_KEY_PREFIX \
		WEBHOOK_GATEWAY_MAX_BODY WEBHOOK_GATEWAY_DEFAULT_PLAN WEBHOOK_GATEWAY_TRUST_PROXY
	FAIL_LOGS+=(gateway.log)
}

# Bench endpoint on the standalone gateway's admin API: GitHub HMAC preset, account 'bench' on the
# built-in 'unlimited' plan, the secret given (all gateway targets get the same signed request).
create_endpoint() { # id secret
	local api="http://127.0.0.1:$GW_PORT/api/v1" status
	status=$(curl -sS -o "$WORK/endpoint.json" -w '%{http_code}' -X POST "$api/endpoints" \
		-H "Authorization: Bearer $ADMIN_TOKEN" -H 'Content-Type: application/json' \
		-d "{\"id\":\"$1\",\"accountId\":\"bench\",\"auth\":{\"type\":\"hmac\",\"preset\":\"github\"},\"secret\":\"$2\"}")
	[[ $status == 201 ]] || die "POST /api/v1/endpoints answered $status: $(cat "$WORK/endpoint.json")"
	status=$(curl -sS -o "$WORK/plan.json" -w '%{http_code}' -X PUT "$api/accounts/bench/plan" \
		-H "Authorization: Bearer $ADMIN_TOKEN" -H 'Content-Type: application/json' -d '{"planId":"unlimited"}')
	[[ $status == 200 ]] || die "PUT /api/v1/accounts/bench/plan answered $status: $(cat "$WORK/plan.json")"
}

sign_body() { # secret file: the X-Hub-Signature-256 value
	echo "sha256=$(node -e "const c=require('crypto'),fs=require('fs');console.log(c.createHmac('sha256',process.argv[1]).update(fs.readFileSync(process.argv[2])).digest('hex'))" "$1" "$2")"
}

probe() { # url signature expected-status [what]: one POST of the bench body
	local code
	code=$(curl -sS -o "$WORK/probe.json" -w '%{http_code}' --max-time 30 -X POST "$1" -H 'Content-Type: application/json' \
		-H "X-Hub-Signature-256: $2" --data-binary "@bench/payload.json")
	[[ $code == "$3" ]] || die "probe of ${4:-$1} with signature '${2:0:20}...' answered $code, expected $3: $(cat "$WORK/probe.json")"
}
