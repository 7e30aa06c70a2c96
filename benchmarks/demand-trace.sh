#!/usr/bin/env bash
#
# Pre-programming against a scripted demand trace (issue 23): the same trace (DemandTrace, one seed per run) on a
# fresh distribution with pre-programming off, then on a fresh one with it on. The fleet is 3 U250 and 3 U55C cards
# of two partial regions each (the shipped DFX fleets, scaled; every other sample fleet emptied), each programming
# taking the simulator's setup time SETUP_MS (a partial bitstream over PCIe takes about a second on real cards).
# A trace: REQUESTS requests from as many VMs, Poisson arrivals at RATE per second, workloads drawn from
# database-acceleration 40 %, compression 35 %, network-function 25 %, each held an exponential time of mean HOLD
# seconds, then released. Printed per run and mode: requests served without programming, mean time to ACTIVE.
#
#   benchmarks/demand-trace.sh            # after ./mvnw -B install -DskipTests
#
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
work=${WORK:-/tmp/hwp-demand-trace}
runs=${RUNS:-5}
requests=${REQUESTS:-60}
rate=${RATE:-1.5}
hold=${HOLD:-4}
setup=${SETUP_MS:-1000}
stop() {
    [ -d "$work/node" ] && "$work/node/bin/stop" >/dev/null 2>&1 || true
    sleep 5
}
trap stop EXIT

# shellcheck source=benchmarks/fresh-node.sh
. benchmarks/fresh-node.sh
trace_fleet() { # etc: the two DFX fleets of 3 cards with SETUP_MS programming, the others empty; pre-programming $mode
    for f in "$1"/org.hwpersonality.backend.sim.fleet-*.cfg; do
        case "$f" in
            *fleet-u250-pr.cfg|*fleet-u55c-pr.cfg) sed -i 's/^devices *=.*/devices = 3/' "$f"; echo "setupMs = $setup" >> "$f" ;;
            *) sed -i 's/^devices *=.*/devices = 0/' "$f" ;;
        esac
    done
    sed -i "s/^preProgramming *=.*/preProgramming = $mode/" "$1/org.hwpersonality.management.cfg"
}

: > "$work.log"
for r in $(seq 1 "$runs"); do
    for mode in false true; do
        fresh_node trace_fleet '"localId":"sim-u(250|55c)pr-' 6
        echo "run $r, pre-programming $mode: $(java -cp "$jar" org.hwpersonality.benchmarks.load.DemandTrace \
            --server "$api" --seed "$r" --requests "$requests" --rate "$rate" --hold "$hold")" | tee -a "$work.log"
        stop
    done
done
