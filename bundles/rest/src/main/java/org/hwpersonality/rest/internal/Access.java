package org.hwpersonality.rest.internal;

/** Who may call a route. */
enum Access {
    /** No credentials needed. */
    ANYONE,
    /** A Karaf user with the {@code admin} role. */
    ADMIN,
    /** An administrator, or a Karaf user with the {@code metrics} role (a Prometheus scraper's credential). */
    METRICS,
    /** An administrator, or a VM acting for itself (the route checks which VM). */
    ADMIN_OR_VM
}
