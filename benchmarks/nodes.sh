# Shared by the multi-node benchmark scripts (sourced): a throw-away PostgreSQL in $work, distributions on it.
# Needs: work, pgport set; run from the repository's top folder.
pgbin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
jar=benchmarks/target/hwp-benchmarks.jar
# The administrator's password the nodes get on their first start (the distribution ships none); the load
# generator and curl below use it.
export HWP_ADMIN_PASSWORD=${HWP_ADMIN_PASSWORD:-bench-$(od -An -N8 -tx8 /dev/urandom | tr -d ' ')}
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

start_pg() {
    rm -rf "$work" && mkdir -p "$work/pg" && chmod 777 "$work" && chown -R postgres "$work/pg" 2>/dev/null || true
    as_pg "$pgbin/initdb" -D "$work/pg/data" -A trust -U hwp >/dev/null
    as_pg "$pgbin/pg_ctl" -D "$work/pg/data" -o "-p $pgport -k $work/pg -c max_connections=200" -l "$work/pg/log" -w start >/dev/null
}
stop_pg() { as_pg "$pgbin/pg_ctl" -D "$work/pg/data" -m fast -w stop >/dev/null || true; }

# node NAME ROLES HTTP-PORT OFFSET [FLEET-CFG [only]]: a distribution copied into $work, on the database, started;
# with "only", the shipped sample fleets are removed and FLEET-CFG is the node's only fleet
node() {
    local d="$work/$1"
    cp -r karaf-assembly/target/assembly "$d"
    cat > "$d/etc/org.ops4j.datasource-hwp.cfg" <<CFG
osgi.jdbc.driver.name = PostgreSQL JDBC Driver
url = jdbc:postgresql://127.0.0.1:$pgport/postgres
user = hwp
password =
dataSourceName = hwp
pool = hikari
xa = false
hikari.maximumPoolSize = 16
hikari.autoCommit = false
hikari.initializationFailTimeout = -1
hikari.poolName = hwp
hikari.registerMbeans = true
CFG
    printf 'id = %s\nroles = %s\n' "$1" "$2" > "$d/etc/org.hwpersonality.node.cfg"
    sed -i "s/^org.osgi.service.http.port *=.*/org.osgi.service.http.port = $3/" "$d/etc/org.ops4j.pax.web.cfg"
    grep -q '^org.osgi.service.http.port' "$d/etc/org.ops4j.pax.web.cfg" || echo "org.osgi.service.http.port = $3" >> "$d/etc/org.ops4j.pax.web.cfg"
    sed -i "s/^sshPort *=.*/sshPort = $((8101 + $4))/" "$d/etc/org.apache.karaf.shell.cfg"
    echo "hwp.https.port = $((8443 + $4))" >> "$d/etc/system.properties"
    sed -i "s/^rmiRegistryPort *=.*/rmiRegistryPort = $((1099 + $4))/; s/^rmiServerPort *=.*/rmiServerPort = $((44444 + $4))/" "$d/etc/org.apache.karaf.management.cfg"
    if [ "${6:-}" = only ]; then rm -f "$d"/etc/org.hwpersonality.backend.sim.fleet-*.cfg; fi
    if [ -n "${5:-}" ]; then cp "$5" "$d/etc/org.hwpersonality.backend.sim.fleet-bench.cfg"; fi
    "$d/bin/start"
}

await() { # URL of the api node: UP, the samples in, one ONLINE card
    for _ in $(seq 1 240); do
        if curl -sf "$1/health" >/dev/null \
            && curl -sf -u "karaf:$HWP_ADMIN_PASSWORD" "$1/devices" | grep -q '"state":"ONLINE"' \
            && [ "$(curl -sf -u "karaf:$HWP_ADMIN_PASSWORD" "$1/profiles" | grep -o '"personalityId"' | wc -l)" -ge 13 ]; then
            sleep 5 # the api node's index refreshes the fleet every few seconds
            return 0
        fi
        sleep 1
    done
    echo "not ready: $1" >&2; return 1
}


stop_all() { for d in "$work"/node-*; do [ -d "$d" ] && "$d/bin/stop" >/dev/null 2>&1 || true; done; sleep 5; stop_pg; }
