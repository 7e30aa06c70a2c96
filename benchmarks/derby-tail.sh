#!/usr/bin/env bash
#
# The tail on the embedded default (issue 18): one distribution on embedded Derby with the shipped sample fleets and
# 64 more U250 cards of two regions with instant programming (benchmarks/fleet-load.cfg), and the load generator's 64
# VMs starting RATE cycles per second on a schedule (a request's latency counts from when it was due). RUNS runs,
# each from a fresh start (a new distribution, a new database): WARMUP seconds of the same load first, on the same
# kept-alive connections, then SECONDS_PER_RUN seconds measured.
#
#   benchmarks/derby-tail.sh            # after ./mvnw -B install -DskipTests
#
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
work=${WORK:-/tmp/hwp-derby-tail}
runs=${RUNS:-5}
seconds=${SECONDS_PER_RUN:-60}
warmup=${WARMUP:-30}
rate=${RATE:-1000}
# shellcheck source=benchmarks/fresh-node.sh
. benchmarks/fresh-node.sh
trap stop_node EXIT

for r in $(seq 1 "$runs"); do
    echo "-- run $r: a fresh distribution on embedded Derby, ${warmup} s warm-up at ${rate}/s, ${seconds} s measured"
    fresh_node
    java -cp "$jar" org.hwpersonality.benchmarks.load.LoadGenerator --server "$api" \
        --vms 64 --rate "$rate" --seconds "$seconds" --warmup "$warmup" --timeline true
    stop_node
done
