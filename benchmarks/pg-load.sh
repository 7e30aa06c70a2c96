#!/usr/bin/env bash
#
# Allocations per second on one node on PostgreSQL (issue 18): one distribution (api,host) on a throw-away
# PostgreSQL with the shipped sample fleets and 64 more U250 cards of two regions with instant programming
# (benchmarks/fleet-load.cfg), and the load generator's 64 VMs cycling as fast as the node answers. RUNS runs,
# each from a fresh start (a new database, a new node): WARMUP seconds of load first (the load generator's
# --warmup, on the same connections), then SECONDS_PER_RUN seconds measured.
#
#   benchmarks/pg-load.sh            # after ./mvnw -B install -DskipTests
#
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
work=${WORK:-/tmp/hwp-pg-load}
runs=${RUNS:-5}
seconds=${SECONDS_PER_RUN:-30}
warmup=${WARMUP:-60}
pgport=${PGPORT:-55434}
source benchmarks/nodes.sh
trap stop_all EXIT

for r in $(seq 1 "$runs"); do
    echo "-- run $r: a fresh database and node, ${warmup} s warm-up, ${seconds} s measured"
    start_pg
    node node-a api,host 8193 30 benchmarks/fleet-load.cfg
    await http://localhost:8193/hwp/api/v1
    for _ in $(seq 1 120); do # the 64 load cards recorded and in the index
        [ "$(curl -sf -u "karaf:$HWP_ADMIN_PASSWORD" http://localhost:8193/hwp/api/v1/devices | grep -o '"localId":"sim-load-' | wc -l)" -ge 64 ] && break
        sleep 1
    done
    sleep 12
    java -cp "$jar" org.hwpersonality.benchmarks.load.LoadGenerator --server http://localhost:8193/hwp/api/v1 \
        --vms 64 --seconds "$seconds" --warmup "$warmup"
    stop_all
done
