package org.hwpersonality.matcher.internal;

import org.hwpersonality.api.service.DriverCheck;
import org.hwpersonality.matcher.internal.ProfileCatalog.Entry;

/**
 * One workload's ACTIVE profiles in throughput order (then ID), immutable, with their figures a second time in flat
 * arrays. A request's walk tests up to thousands of profiles against its limits before it looks at any profile
 * itself; reading the figures from four arrays instead of from an entry object each (a cache miss each, at a million
 * profiles) is what keeps that walk short.
 */
final class WorkloadProfiles {
    static final WorkloadProfiles NONE = new WorkloadProfiles(new Entry[0]);

    private final Entry[] entries;
    private final double[] throughput;
    private final double[] latency;
    private final double[] power;
    private final long[] memoryMb;
    private final boolean[] tunable;
    /** The answers of the driver snapshot last asked, replaced whole when another is asked. */
    private volatile DriverAnswers answers;

    /** {@code sorted} in {@link ProfileCatalog#ORDER}; kept, not copied. */
    WorkloadProfiles(Entry[] sorted) {
        this.entries = sorted;
        int n = sorted.length;
        throughput = new double[n];
        latency = new double[n];
        power = new double[n];
        memoryMb = new long[n];
        tunable = new boolean[n];
        for (int i = 0; i < n; i++) {
            throughput[i] = sorted[i].throughput;
            latency[i] = sorted[i].latency;
            power[i] = sorted[i].power;
            memoryMb[i] = sorted[i].memoryMb;
            tunable[i] = sorted[i].tunable;
        }
    }

    int size() {
        return entries.length;
    }

    Entry get(int i) {
        return entries[i];
    }

    /** The entries themselves, in order; not to be changed. */
    Entry[] entries() {
        return entries;
    }

    /** Whether the i-th profile's figures meet the limits. */
    boolean meets(int i, Limits limits) {
        return limits.met(throughput[i], latency[i], power[i], memoryMb[i]);
    }

    /**
     * Whether the i-th profile supports the guest ({@link GuestSupport}) and has a driver for it. The verdicts of one
     * driver snapshot are kept per guest slot ({@link DriverAnswers}): a fleet's guests are a few kernels of a few
     * systems, and asking the snapshot for every profile walked was most of a match's time. A known verdict is read
     * from the array alone (neighbouring profiles share a cache line), without touching the profile's entry.
     */
    Verdict verdict(int i, Guests.Guest guest, DriverCheck drivers) {
        int slot = guest.slot();
        if (slot < 0) {
            return ask(entries[i], guest, drivers);
        }
        DriverAnswers a = answers;
        if (a == null || a.drivers != drivers) {
            a = new DriverAnswers(drivers, entries.length);
            answers = a;
        }
        Verdict known = a.known(i, slot);
        if (known != null) {
            return known;
        }
        Verdict v = ask(entries[i], guest, drivers);
        a.learn(i, slot, v);
        return v;
    }

    private static Verdict ask(Entry e, Guests.Guest guest, DriverCheck drivers) {
        if (!e.support.covers(guest)) {
            return Verdict.UNSUPPORTED;
        }
        return drivers.hasDriver(e.profile, guest.os()) ? Verdict.ELIGIBLE : Verdict.NO_DRIVER;
    }

    /** Whether the i-th profile has tunables (adjustment can search it). */
    boolean tunable(int i) {
        return tunable[i];
    }

    /** The first index whose throughput is at least {@code floor}. */
    int lowerBound(double floor) {
        int lo = 0;
        int hi = throughput.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (throughput[mid] < floor) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }
}
