#!/usr/bin/env bash
#
# What recording metrics costs (issue 24): the allocation load on one distribution on embedded Derby, with metrics
# on (the default, and a Prometheus-like scrape every 15 s) and off (enabled = false in
# etc/org.hwpersonality.metrics.cfg), RUNS runs of each, alternating, each from a fresh start (a new distribution, a
# new database). The shipped sample fleets and 64 U250 cards of two regions with instant programming
# (benchmarks/fleet-load.cfg); the load generator's 64 VMs cycle request → release as fast as the server answers:
# WARMUP seconds, then SECONDS_PER_RUN seconds measured, on the same kept-alive connections.
#
#   benchmarks/metrics-cost.sh            # after ./mvnw -B install -DskipTests
#
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
work=${WORK:-/tmp/hwp-metrics-cost}
runs=${RUNS:-5}
seconds=${SECONDS_PER_RUN:-40}
warmup=${WARMUP:-20}
jar=benchmarks/target/hwp-benchmarks.jar
export HWP_ADMIN_PASSWORD=${HWP_ADMIN_PASSWORD:-bench-$(od -An -N8 -tx8 /dev/urandom | tr -d ' ')}
api=http://localhost:8193/hwp/api/v1
scraper=
stop() {
    [ -n "$scraper" ] && kill "$scraper" 2>/dev/null || true
    [ -d "$work/node" ] && "$work/node/bin/stop" >/dev/null 2>&1 || true
    sleep 5
}
trap stop EXIT

for r in $(seq 1 "$runs"); do
    for metrics in on off; do
        echo "-- run $r, metrics $metrics: a fresh distribution on embedded Derby, ${warmup} s warm-up, ${seconds} s measured"
        rm -rf "$work" && mkdir -p "$work"
        cp -r karaf-assembly/target/assembly "$work/node"
        sed -i "s/^org.osgi.service.http.port *=.*/org.osgi.service.http.port = 8193/" "$work/node/etc/org.ops4j.pax.web.cfg"
        grep -q '^org.osgi.service.http.port' "$work/node/etc/org.ops4j.pax.web.cfg" \
            || echo "org.osgi.service.http.port = 8193" >> "$work/node/etc/org.ops4j.pax.web.cfg"
        cp benchmarks/fleet-load.cfg "$work/node/etc/org.hwpersonality.backend.sim.fleet-bench.cfg"
        [ "$metrics" = off ] && sed -i 's/^enabled *=.*/enabled = false/' "$work/node/etc/org.hwpersonality.metrics.cfg"
        "$work/node/bin/start"
        for _ in $(seq 1 240); do # UP, and the 64 load cards recorded
            curl -sf "$api/health" >/dev/null \
                && [ "$(curl -sf -u "karaf:$HWP_ADMIN_PASSWORD" "$api/devices" | grep -o '"localId":"sim-load-' | wc -l)" -ge 64 ] \
                && break
            sleep 1
        done
        sleep 5 # the index refreshes the fleet
        if [ "$metrics" = on ]; then # scraped as Prometheus would, every 15 s
            (while sleep 15; do curl -sf -o /dev/null -u "karaf:$HWP_ADMIN_PASSWORD" "$api/metrics" || true; done) &
            scraper=$!
        fi
        java -cp "$jar" org.hwpersonality.benchmarks.load.LoadGenerator --server "$api" \
            --vms 64 --seconds "$seconds" --warmup "$warmup"
        if [ "$metrics" = on ]; then
            curl -sf -u "karaf:$HWP_ADMIN_PASSWORD" "$api/metrics" | grep -E '^hwp_matches_total' || true
        fi
        stop
        scraper=
    done
done
