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
jar=benchmarks/target/hwp-benchmarks.jar
export HWP_ADMIN_PASSWORD=${HWP_ADMIN_PASSWORD:-bench-$(od -An -N8 -tx8 /dev/urandom | tr -d ' ')}
api=http://localhost:8193/hwp/api/v1
stop() {
    [ -d "$work/node" ] && "$work/node/bin/stop" >/dev/null 2>&1 || true
    sleep 5
}
trap stop EXIT

start() { # pre-programming true|false
    rm -rf "$work" && mkdir -p "$work"
    cp -r "${dist:-karaf-assembly/target/assembly}" "$work/node"
    local etc="$work/node/etc"
    sed -i "s/^org.osgi.service.http.port *=.*/org.osgi.service.http.port = 8193/" "$etc/org.ops4j.pax.web.cfg"
    grep -q '^org.osgi.service.http.port' "$etc/org.ops4j.pax.web.cfg" \
        || echo "org.osgi.service.http.port = 8193" >> "$etc/org.ops4j.pax.web.cfg"
    for f in "$etc"/org.hwpersonality.backend.sim.fleet-*.cfg; do
        case "$f" in
            *fleet-u250-pr.cfg|*fleet-u55c-pr.cfg) sed -i 's/^devices *=.*/devices = 3/' "$f"; echo "setupMs = $setup" >> "$f" ;;
            *) sed -i 's/^devices *=.*/devices = 0/' "$f" ;;
        esac
    done
    sed -i "s/^preProgramming *=.*/preProgramming = $1/" "$etc/org.hwpersonality.management.cfg"
    "$work/node/bin/start"
    for _ in $(seq 1 240); do # UP, and the 6 cards recorded
        curl -sf "$api/health" >/dev/null \
            && [ "$(curl -sf -u "karaf:$HWP_ADMIN_PASSWORD" "$api/devices" | grep -Eo '"localId":"sim-u(250|55c)pr-' | wc -l)" -ge 6 ] \
            && break
        sleep 1
    done
    sleep 5 # the index refreshes the fleet
}

: > "$work.log"
for r in $(seq 1 "$runs"); do
    for mode in false true; do
        start "$mode"
        echo "run $r, pre-programming $mode: $(java -cp "$jar" org.hwpersonality.benchmarks.load.DemandTrace \
            --server "$api" --seed "$r" --requests "$requests" --rate "$rate" --hold "$hold")" | tee -a "$work.log"
        stop
    done
done
