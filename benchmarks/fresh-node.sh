# Sourced by the benchmark scripts: fresh_node starts a new copy of the built distribution (or of $dist) in $work/node
# on embedded Derby (a new database), its HTTP port 8193, with the shipped sample fleets and the 64 U250 cards of two
# regions with instant programming (benchmarks/fleet-load.cfg), and returns once it is UP with the 64 cards recorded
# and the index has seen them. Needs work, api (http://localhost:8193/hwp/api/v1) and HWP_ADMIN_PASSWORD.
fresh_node() {
    rm -rf "$work" && mkdir -p "$work"
    cp -r "${dist:-karaf-assembly/target/assembly}" "$work/node"
    sed -i "s/^org.osgi.service.http.port *=.*/org.osgi.service.http.port = 8193/" "$work/node/etc/org.ops4j.pax.web.cfg"
    grep -q '^org.osgi.service.http.port' "$work/node/etc/org.ops4j.pax.web.cfg" \
        || echo "org.osgi.service.http.port = 8193" >> "$work/node/etc/org.ops4j.pax.web.cfg"
    cp benchmarks/fleet-load.cfg "$work/node/etc/org.hwpersonality.backend.sim.fleet-bench.cfg"
    "$work/node/bin/start"
    for _ in $(seq 1 240); do # UP, and the 64 load cards recorded
        curl -sf "$api/health" >/dev/null \
            && [ "$(curl -sf -u "karaf:$HWP_ADMIN_PASSWORD" "$api/devices" | grep -o '"localId":"sim-load-' | wc -l)" -ge 64 ] \
            && break
        sleep 1
    done
    sleep 5 # the index refreshes the fleet
}
