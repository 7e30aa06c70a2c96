package org.hwpersonality.matcher.internal;

import java.util.concurrent.atomic.AtomicLongArray;
import org.hwpersonality.api.Sha256;

/**
 * How many offered regions hold an image, counted per bucket of the image's hash, and a bit per bucket that is set
 * while its count is not 0: a clear bit proves that no offered region holds the image, read from a small primitive
 * array (128 KiB: it stays in cache) without touching the image or the map of holders. Most profiles' images are
 * loaded nowhere, and at a million profiles looking each up in the map (the image, its text, the map's table: a cache
 * miss each) was a tenth of a match. Changes (a region shown or withdrawn) take this object's lock; reads take none.
 */
final class LoadedImages {
    private static final int BUCKETS = 1 << 20;

    private final int[] counts = new int[BUCKETS];
    private final AtomicLongArray held = new AtomicLongArray(BUCKETS / 64);

    /** A region began to hold the image. */
    synchronized void added(Sha256 image) {
        int b = bucket(image.hashCode());
        if (counts[b]++ == 0) {
            held.getAndUpdate(b >>> 6, bits -> bits | (1L << (b & 63)));
        }
    }

    /** A region stopped holding the image. */
    synchronized void removed(Sha256 image) {
        int b = bucket(image.hashCode());
        if (--counts[b] == 0) {
            held.getAndUpdate(b >>> 6, bits -> bits & ~(1L << (b & 63)));
        }
    }

    /** False when no offered region holds an image with this {@link Sha256#hashCode}; true when one may. */
    boolean mayHold(int imageHash) {
        int b = bucket(imageHash);
        return (held.get(b >>> 6) & (1L << (b & 63))) != 0;
    }

    private static int bucket(int hash) {
        return (hash ^ (hash >>> 20)) & (BUCKETS - 1);
    }
}
