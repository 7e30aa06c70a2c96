#!/usr/bin/env bash
#
# What dispatching programming to a host node adds over a local call (issue 18): the same one-card fleet (the shipped
# sample fleets removed), programmed by the node that matched (one node, api+host) and by a host node through a task
# (an api node and a host node), on one throw-away PostgreSQL. Every request reprograms the card's one region
# (DispatchLatency alternates two images that no other image serves).
# Each configuration starts fresh; DispatchLatency runs RUNS times against it (100 warm-up + 400 measured requests).
#
#   benchmarks/dispatch.sh            # after ./mvnw -B install -DskipTests
#
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
work=${WORK:-/tmp/hwp-dispatch}
runs=${RUNS:-5}
pgport=${PGPORT:-55433}
source benchmarks/nodes.sh

measure() {
    for r in $(seq 1 "$runs"); do
        echo "-- $1, run $r"
        java -cp "$jar" org.hwpersonality.benchmarks.load.DispatchLatency --server "$2" --requests 400 --warmup 100
    done
}

trap stop_all EXIT

echo "== local call: one node (api,host) programs its own card"
start_pg
node node-a api,host 8191 10 benchmarks/fleet-one-region.cfg only
await http://localhost:8191/hwp/api/v1
measure local http://localhost:8191/hwp/api/v1
stop_all

echo "== dispatched: an api node, the card on a host node"
start_pg
node node-a api 8191 10
node node-b host 8192 20 benchmarks/fleet-one-region.cfg only
await http://localhost:8191/hwp/api/v1
measure dispatched http://localhost:8191/hwp/api/v1
