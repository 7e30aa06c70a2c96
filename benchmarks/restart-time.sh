#!/usr/bin/env bash
#
# Restart time (docs/reliability.md, "Restarts on a slower machine"): a new copy of the built distribution on
# embedded Derby (HTTP port 8193) is started once, then RUNS times killed with kill -9 and started again. For each
# start: the milliseconds from bin/start to /health UP (polled every 100 ms) and the CPU time the JVM had used by
# then (from /proc). EXTRA_JAVA_OPTS is passed to every start (e.g. HotSpot's default C2 thresholds, to compare
# with the distribution's bin/setenv).
#
#   benchmarks/restart-time.sh                   # after ./mvnw -B install -DskipTests
#   RUNS=5 EXTRA_JAVA_OPTS="-XX:Tier4InvocationThreshold=5000 -XX:Tier4MinInvocationThreshold=600 \
#       -XX:Tier4CompileThreshold=15000" benchmarks/restart-time.sh
#
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
work=${WORK:-/tmp/hwp-restart-time}
runs=${RUNS:-5}
export EXTRA_JAVA_OPTS=${EXTRA_JAVA_OPTS:-}
node=$work/node
# shellcheck source=benchmarks/fresh-node.sh
. benchmarks/fresh-node.sh
health=$api/health
new_node
trap '[ -s "$node/karaf.pid" ] && kill -9 "$(cat "$node/karaf.pid")" 2>/dev/null || true' EXIT

start() { # LABEL: starts the node; prints the time to UP and the JVM's CPU time at UP
    rm -f "$node/karaf.pid"
    local t0 pid ms ticks
    t0=$(date +%s%N)
    "$node/bin/start"
    for _ in $(seq 1 1800); do
        curl -sf "$health" 2>/dev/null | grep -q '"UP"' && break
        sleep 0.1
    done
    ms=$((($(date +%s%N) - t0) / 1000000))
    pid=$(cat "$node/karaf.pid")
    ticks=$(awk '{print $14 + $15}' "/proc/$pid/stat")
    echo "$1: UP after $ms ms, JVM CPU $((ticks * 1000 / $(getconf CLK_TCK))) ms"
}

start "first start"
sleep 10 # the node settles (discovery, the match index) before the first kill
for r in $(seq 1 "$runs"); do
    kill -9 "$(cat "$node/karaf.pid")"
    sleep 1
    start "restart $r"
    sleep 5
done
