package org.hwpersonality.repository.internal.entity;

import javax.persistence.Column;
import javax.persistence.Embeddable;
import org.hwpersonality.api.profile.WorkloadProfile;

/** A row of HWP_PROFILE_WORKLOAD: what a profile delivers for one workload, kept in columns for queries. */
@Embeddable
public class WorkloadRow {
    @Column(name = "WORKLOAD")
    private String workload;

    @Column(name = "THROUGHPUT_GOPS")
    private double throughputGops;

    @Column(name = "LATENCY_US")
    private double latencyUs;

    @Column(name = "POWER_WATTS")
    private double powerWatts;

    protected WorkloadRow() {}

    WorkloadRow(WorkloadProfile w) {
        this.workload = w.workload();
        this.throughputGops = w.performance().throughputGops();
        this.latencyUs = w.performance().latencyUs();
        this.powerWatts = w.performance().powerWatts();
    }

    public String workload() {
        return workload;
    }
}
