package org.hwpersonality.matcher.internal;

import org.hwpersonality.api.Resources;
import org.hwpersonality.api.device.RegionKind;
import org.hwpersonality.api.profile.Compatibility;
import org.hwpersonality.api.service.DriverCheck;
import org.hwpersonality.matcher.internal.ProfileCatalog.Entry;

/**
 * One workload's ACTIVE profiles in throughput order (then ID), immutable, with what the walk reads of them a second
 * time in flat arrays: the figures, and what placing a profile reads (compatibility, region kind, resources, the
 * image's hash). A request's walk tests up to thousands of profiles against its limits and places up to sixteen;
 * reading those from arrays instead of from an entry object each (a cache miss each, at a million profiles: the
 * entries lie wherever the heap put them, not in throughput order) is what keeps the walk short. The entry itself is
 * read only for the profile a match answers with, a refusal's reasons, or a region that already holds its image.
 */
final class WorkloadProfiles {
    static final WorkloadProfiles NONE = new WorkloadProfiles(new Entry[0]);
    private static final int NEED = 5;
    /** One throughput in this many is kept a second time for {@link #lowerBound}'s first steps. */
    static final int STRIDE = 64;

    private static final RegionKind[] KINDS = RegionKind.values();

    private final Entry[] entries;
    private final double[] throughput;
    /** {@code throughput[STRIDE × j]}: small enough to stay in cache, where the large array's halving would miss. */
    private final double[] sampled;

    private final double[] latency;
    private final double[] power;
    private final boolean[] tunable;
    private final Compatibility[] compatibility;
    private final byte[] kind;
    /** The resources each image takes, five numbers a profile: LUTs, registers, BRAM, DSPs, memory (MiB). */
    private final long[] need;

    private final int[] imageHash;
    /**
     * What adjustment could reach at best from each profile, worked out the first time a request asks (most are
     * never asked); kept here, not in the entry, so the refused walk reads one object, not two. Immutable once made:
     * a race only makes it twice.
     */
    private final Adjustment.Reach[] reach;
    /** The answers of the driver snapshot last asked, replaced whole when another is asked. */
    private volatile DriverAnswers answers;

    /** {@code sorted} in {@link ProfileCatalog#ORDER}; kept, not copied. */
    WorkloadProfiles(Entry[] sorted) {
        this.entries = sorted;
        int n = sorted.length;
        throughput = new double[n];
        latency = new double[n];
        power = new double[n];
        tunable = new boolean[n];
        compatibility = new Compatibility[n];
        kind = new byte[n];
        need = new long[n * NEED];
        imageHash = new int[n];
        reach = new Adjustment.Reach[n];
        for (int i = 0; i < n; i++) {
            throughput[i] = sorted[i].throughput;
            latency[i] = sorted[i].figures.latencyUs();
            power[i] = sorted[i].figures.powerWatts();
            tunable[i] = sorted[i].tunable;
            compatibility[i] = sorted[i].compatibility;
            kind[i] = (byte) sorted[i].kind.ordinal();
            Resources r = sorted[i].need;
            need[i * NEED] = r.luts();
            need[i * NEED + 1] = r.registers();
            need[i * NEED + 2] = r.bramBlocks();
            need[i * NEED + 3] = r.dsps();
            need[i * NEED + 4] = r.memoryMb();
            imageHash[i] = sorted[i].imageHash;
        }
        sampled = new double[(n + STRIDE - 1) / STRIDE];
        for (int j = 0; j < sampled.length; j++) {
            sampled[j] = throughput[j * STRIDE];
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

    double throughput(int i) {
        return throughput[i];
    }

    double latency(int i) {
        return latency[i];
    }

    double power(int i) {
        return power[i];
    }

    Compatibility compatibility(int i) {
        return compatibility[i];
    }

    RegionKind kind(int i) {
        return KINDS[kind[i]];
    }

    /** The device memory the i-th profile's image takes (MiB). */
    long memoryMb(int i) {
        return need[i * NEED + 4];
    }

    /** Whether the i-th profile's image fits in {@code capacity} ({@link Resources#fitsIn}). */
    boolean fitsIn(int i, Resources capacity) {
        int k = i * NEED;
        return Resources.fits(need[k], need[k + 1], need[k + 2], need[k + 3], need[k + 4], capacity);
    }

    /** The largest share of {@code capacity} the i-th profile's image takes ({@link Resources#utilizationOf}). */
    double utilizationOf(int i, Resources capacity) {
        int k = i * NEED;
        return Resources.utilization(need[k], need[k + 1], need[k + 2], need[k + 3], need[k + 4], capacity);
    }

    /** The i-th profile's image's {@link org.hwpersonality.api.Sha256#hashCode}. */
    int imageHash(int i) {
        return imageHash[i];
    }

    /** Whether the i-th profile's figures meet the limits. */
    boolean meets(int i, Limits limits) {
        return limits.met(throughput[i], latency[i], power[i], need[i * NEED + 4]);
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

    /**
     * False when no variant of the i-th profile's tunables can meet {@code limits}, as {@link Adjustment#cheapest}
     * would find, without searching them.
     */
    boolean mayAdjustTo(int i, Limits limits) {
        Adjustment.Reach r = reach[i];
        if (r == null) {
            r = Adjustment.reach(entries[i].profile, entries[i].figures);
            reach[i] = r;
        }
        return r.mayMeet(limits, memoryMb(i));
    }

    /** Whether the i-th profile has tunables (adjustment can search it). */
    boolean tunable(int i) {
        return tunable[i];
    }

    /**
     * The first index whose throughput is at least {@code floor}: found in the sampled throughputs first, then within
     * the one block of {@value #STRIDE} that holds it.
     */
    int lowerBound(double floor) {
        int block = firstAtLeast(sampled, 0, sampled.length, floor);
        if (block == 0) {
            return 0; // the first throughput already reaches the floor
        }
        // throughput[STRIDE × (block − 1)] is below the floor; throughput[STRIDE × block], if any, reaches it
        return firstAtLeast(throughput, STRIDE * (block - 1) + 1, Math.min(STRIDE * block, throughput.length), floor);
    }

    /** The first index in [from, to) of the ascending {@code values} at least {@code floor}; {@code to} if none. */
    private static int firstAtLeast(double[] values, int from, int to, double floor) {
        int lo = from;
        int hi = to;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (values[mid] < floor) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }
}
