#!/usr/bin/env bash
#
# Allocations on the embedded default once the JIT is done (docs/benchmarks.md, "The embedded default in steady
# state"): RUNS runs, each from a fresh start (a new copy of the built distribution, or of $dist, on a new embedded
# Derby database, with the shipped sample fleets and the 64 U250 cards of two regions with instant programming), the
# load generator's 64 VMs cycling request -> release as fast as the node answers: WARMUP seconds of that load, then
# SECONDS_PER_RUN seconds measured. Besides the load generator's figures, for the measured window: the server's CPU
# time from /proc, in all and in its JIT compiler threads, and per cycle. On a 2-vCPU machine the JIT is still busy
# minutes into the load, which is why the warm-up is long.
#
#   benchmarks/steady-load.sh                      # after ./mvnw -B install -DskipTests
#   RUNS=3 dist=/tmp/other-build/karaf-assembly/target/assembly benchmarks/steady-load.sh
#
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
work=${WORK:-/tmp/hwp-steady-load}
runs=${RUNS:-5}
warmup=${WARMUP:-150}
seconds=${SECONDS_PER_RUN:-40}
# shellcheck source=benchmarks/fresh-node.sh
. benchmarks/fresh-node.sh
trap stop_node EXIT

cpu() { # PID: the CPU ticks of all its threads, then of its JIT compiler threads
    cat /proc/"$1"/task/*/stat 2>/dev/null | awk '{
        name = substr($0, index($0, "(") + 1); name = substr(name, 1, index(name, ")") - 1)
        split(substr($0, index($0, ") ") + 2), f, " ")
        all += f[12] + f[13]; if (name ~ /Compiler/) jit += f[12] + f[13]
    } END { print all + 0, jit + 0 }'
}

for r in $(seq 1 "$runs"); do
    echo "-- run $r: a fresh distribution on embedded Derby, ${warmup} s warm-up, ${seconds} s measured"
    fresh_node
    pid=$(cat "$work/node/karaf.pid")
    out=$(mktemp)
    java -cp "$jar" org.hwpersonality.benchmarks.load.LoadGenerator --server "$api" \
        --vms 64 --seconds "$seconds" --warmup "$warmup" >"$out" 2>&1 &
    load=$!
    sleep "$warmup"
    read -r all0 jit0 <<<"$(cpu "$pid")"
    sleep "$seconds"
    read -r all1 jit1 <<<"$(cpu "$pid")"
    wait "$load"
    cat "$out"
    cycles=$(grep -o '[0-9]* allocations (' "$out" | grep -o '^[0-9]*')
    rm -f "$out"
    awk -v n="$cycles" -v all=$((all1 - all0)) -v jit=$((jit1 - jit0)) -v hz="$(getconf CLK_TCK)" 'BEGIN {
        printf "server CPU in the measured window: %.1f s (JIT compilers %.1f s); per cycle %.3f ms, %.3f ms without the JIT\n",
            all / hz, jit / hz, all * 1000 / hz / n, (all - jit) * 1000 / hz / n }'
    stop_node
done
