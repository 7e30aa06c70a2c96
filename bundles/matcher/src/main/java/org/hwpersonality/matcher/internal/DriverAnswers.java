package org.hwpersonality.matcher.internal;

import org.hwpersonality.api.service.DriverCheck;

/**
 * One driver snapshot's ({@link DriverCheck}) answers for one workload's profiles, kept in a primitive array: two
 * bits per profile and guest slot ({@link Guests}), 0 when not asked yet, else a {@link Verdict}'s code. Learning an
 * answer stores a number, never a reference, so the matching hot path leaves no old-to-young pointers in the index
 * for the young collections to scan (a new answer object per profile did, with pauses of hundreds of milliseconds
 * at a million profiles). The snapshot is kept once per array.
 *
 * <p>Stores are plain: an answer lost to a concurrent writer of the same profile is asked again, and a slot's two
 * bits lie in the same half of a {@code long}, so a reader sees each answer whole or not at all.
 */
final class DriverAnswers {
    final DriverCheck drivers;
    private final long[] bits;

    DriverAnswers(DriverCheck drivers, int profiles) {
        this.drivers = drivers;
        this.bits = new long[profiles];
    }

    /** The i-th profile's verdict for a guest slot, or null when not asked yet. */
    Verdict known(int i, int slot) {
        return Verdict.BY_CODE[(int) (bits[i] >>> (2 * slot)) & 3];
    }

    void learn(int i, int slot, Verdict v) {
        bits[i] |= (long) v.code << (2 * slot);
    }
}
