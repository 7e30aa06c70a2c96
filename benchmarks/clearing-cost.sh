#!/usr/bin/env bash
#
# What clearing regions between tenants costs (issue 22): the allocation load on one distribution on embedded Derby,
# its 64 VMs all of one tenant, against the same 64 VMs spread over two tenants (round-robin), whose requests then
# find regions last used by the other tenant and have them cleared first. The 64 U250 cards of two regions with
# instant programming (benchmarks/fleet-load.cfg) clear at the simulator's default memory-wipe rate (20,000 MB/s over
# the card memory the cleared designs mapped: 4 GiB for the SQL filter, 2 GiB for zstd, the profiles a 10 Gops
# compression request gets). RUNS runs, each from a fresh start (a new distribution, a new database): WARMUP seconds
# of load, then four blocks of BLOCK seconds in the order one, two, two, one tenants (so that a drift over the run
# favours neither), each block 64 new VMs cycling request → release as fast as the server answers, after 5 s of
# their own warm-up.
#
#   benchmarks/clearing-cost.sh            # after ./mvnw -B install -DskipTests
#
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
work=${WORK:-/tmp/hwp-clearing-cost}
runs=${RUNS:-5}
block=${BLOCK:-20}
warmup=${WARMUP:-60}
stop() {
    [ -d "$work/node" ] && "$work/node/bin/stop" >/dev/null 2>&1 || true
    sleep 5
}
trap stop EXIT
# shellcheck source=benchmarks/fresh-node.sh
. benchmarks/fresh-node.sh
load() { # tenants seconds warm-up: the load generator's summary, one line
    local out
    out=$(java -cp "$jar" org.hwpersonality.benchmarks.load.LoadGenerator --server "$api" \
        --vms 64 --tenants "$1" --seconds "$2" --warmup "$3" | tee -a "$work.log")
    echo "$(sed -n 's/.* allocations (\([0-9]*\)\/s).*/\1/p' <<<"$out")/s," \
        "request $(grep '^  request' <<<"$out" | grep -o 'p50=[0-9.]* ms'), $(grep '^  request' <<<"$out" | grep -o 'p99=[0-9.]* ms'),"\
        "cleared first $(grep -o 'cleared first.*' <<<"$out" | grep -o '([0-9.]* %)')"
}

: > "$work.log"
for r in $(seq 1 "$runs"); do
    fresh_node
    load 1 "$warmup" 5 >/dev/null
    for t in 1 2 2 1; do
        echo "run $r, $t tenant(s): $(load "$t" "$block" 5)" | tee -a "$work.log"
    done
    stop
done
