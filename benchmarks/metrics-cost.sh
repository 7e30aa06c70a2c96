#!/usr/bin/env bash
#
# What recording metrics costs (issue 24): the allocation load on one distribution on embedded Derby with metrics on
# (the default, scraped every 15 s as Prometheus would) and off (enabled = false in
# etc/org.hwpersonality.metrics.cfg, which the running node picks up within a second). Starts from one fresh
# distribution to the next differ by ±25 % in throughput on this machine, more than the effect measured, so each of
# the RUNS runs (each from a fresh start: a new distribution, a new database) compares on and off within itself:
# WARMUP seconds of load, then six blocks of BLOCK seconds in the order on, off, off, on, on, off (so that a drift
# over the run favours neither), each block the load generator's 64 VMs cycling request → release as fast as the
# server answers, after 5 s of its own warm-up.
# The shipped sample fleets and 64 U250 cards of two regions with instant programming (benchmarks/fleet-load.cfg).
#
#   benchmarks/metrics-cost.sh            # after ./mvnw -B install -DskipTests
#
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
work=${WORK:-/tmp/hwp-metrics-cost}
runs=${RUNS:-5}
block=${BLOCK:-20}
warmup=${WARMUP:-90}
scraper=
stop() {
    [ -n "$scraper" ] && kill "$scraper" 2>/dev/null || true
    [ -d "$work/node" ] && "$work/node/bin/stop" >/dev/null 2>&1 || true
    sleep 5
}
trap stop EXIT
# shellcheck source=benchmarks/fresh-node.sh
. benchmarks/fresh-node.sh
metrics() { # on | off: the running node reads the file within a second
    sed -i "s/^enabled *=.*/enabled = $([ "$1" = on ] && echo true || echo false)/" "$work/node/etc/org.hwpersonality.metrics.cfg"
    sleep 3
    local answer
    answer=$(curl -s -o /dev/null -w '%{http_code}' -u "karaf:$HWP_ADMIN_PASSWORD" "$api/metrics")
    [ "$1" = on ] && [ "$answer" = 200 ] && return
    [ "$1" = off ] && [ "$answer" = 404 ] && return
    echo "metrics $1: /metrics answered $answer" >&2
    exit 1
}
load() { # one block: the allocations per second the load generator reports
    java -cp "$jar" org.hwpersonality.benchmarks.load.LoadGenerator --server "$api" \
        --vms 64 --seconds "$1" --warmup "$2" | tee -a "$work.log" | sed -n 's/.* allocations (\([0-9]*\)\/s).*/\1/p'
}

: > "$work.log"
for r in $(seq 1 "$runs"); do
    fresh_node
    (while sleep 15; do curl -sf -o /dev/null -u "karaf:$HWP_ADMIN_PASSWORD" "$api/metrics" || true; done) &
    scraper=$!
    load "$warmup" 5 >/dev/null
    on=() off=()
    for m in on off off on on off; do
        metrics "$m"
        if [ "$m" = on ]; then on+=("$(load "$block" 5)"); else off+=("$(load "$block" 5)"); fi
    done
    echo "run $r (fresh start, ${warmup} s warm-up, ${block} s blocks): metrics on ${on[*]} /s; off ${off[*]} /s" \
        | tee -a "$work.log"
    awk -v on="${on[*]}" -v off="${off[*]}" 'BEGIN { n = split(on, a, " "); m = split(off, b, " ");
        for (i = 1; i <= n; i++) s += a[i]; for (i = 1; i <= m; i++) t += b[i];
        printf "run summary: on %.0f/s, off %.0f/s: on is %.1f %% of off\n", s / n, t / m, 100 * (s / n) / (t / m) }' \
        | tee -a "$work.log"
    kill "$scraper" 2>/dev/null || true
    scraper=
    stop
done
