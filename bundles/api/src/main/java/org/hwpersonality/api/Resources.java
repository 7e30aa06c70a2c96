package org.hwpersonality.api;

import org.hwpersonality.api.internal.Checks;

/**
 * Programmable-logic resources: what a region offers or an image needs. LUTs, flip-flops, block RAM (36 Kb
 * blocks), DSP slices and attached device memory in MiB.
 */
public record Resources(long luts, long registers, long bramBlocks, long dsps, long memoryMb) {
    public static final Resources NONE = new Resources(0, 0, 0, 0, 0);

    public Resources {
        Checks.nonNegative("luts", luts);
        Checks.nonNegative("registers", registers);
        Checks.nonNegative("bramBlocks", bramBlocks);
        Checks.nonNegative("dsps", dsps);
        Checks.nonNegative("memoryMb", memoryMb);
    }

    /** Whether this need fits into {@code capacity}, resource by resource. */
    public boolean fitsIn(Resources capacity) {
        return fits(luts, registers, bramBlocks, dsps, memoryMb, capacity);
    }

    /** The largest share of {@code capacity} this need takes, 0..1 when it fits: a best-fit measure. */
    public double utilizationOf(Resources capacity) {
        return utilization(luts, registers, bramBlocks, dsps, memoryMb, capacity);
    }

    /**
     * {@link #fitsIn} for a need given as its five numbers, in the order of this record's components (for callers
     * that keep many needs in flat arrays rather than as objects).
     */
    public static boolean fits(
            long luts, long registers, long bramBlocks, long dsps, long memoryMb, Resources capacity) {
        return luts <= capacity.luts
                && registers <= capacity.registers
                && bramBlocks <= capacity.bramBlocks
                && dsps <= capacity.dsps
                && memoryMb <= capacity.memoryMb;
    }

    /** {@link #utilizationOf} for a need given as its five numbers, in the order of this record's components. */
    public static double utilization(
            long luts, long registers, long bramBlocks, long dsps, long memoryMb, Resources capacity) {
        return Math.max(
                Math.max(share(luts, capacity.luts), share(registers, capacity.registers)),
                Math.max(
                        Math.max(share(bramBlocks, capacity.bramBlocks), share(dsps, capacity.dsps)),
                        share(memoryMb, capacity.memoryMb)));
    }

    /** Every resource scaled by {@code factor} (rounded up), for adjusted variants. */
    public Resources scaled(double factor) {
        Checks.nonNegative("factor", factor);
        return new Resources(
                up(luts, factor), up(registers, factor), up(bramBlocks, factor), up(dsps, factor), memoryMb);
    }

    private static long up(long value, double factor) {
        return (long) Math.ceil(value * factor);
    }

    private static double share(long need, long capacity) {
        if (need == 0) {
            return 0;
        }
        return capacity == 0 ? Double.POSITIVE_INFINITY : (double) need / capacity;
    }
}
