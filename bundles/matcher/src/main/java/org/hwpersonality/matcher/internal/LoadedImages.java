package org.hwpersonality.matcher.internal;

import java.util.concurrent.atomic.AtomicIntegerArray;
import org.hwpersonality.api.Sha256;

/**
 * How many offered regions hold an image, counted per bucket of the image's hash: a count of 0 proves that no
 * offered region holds the image, read from one primitive array without touching the image or the map of holders.
 * Most profiles' images are loaded nowhere, and at a million profiles looking each up in the map (the image, its
 * text, the map's table: a cache miss each) was a tenth of a match.
 */
final class LoadedImages {
    private static final int BUCKETS = 1 << 17;

    private final AtomicIntegerArray counts = new AtomicIntegerArray(BUCKETS);

    /** A region began to hold the image. */
    void added(Sha256 image) {
        counts.incrementAndGet(bucket(image.hashCode()));
    }

    /** A region stopped holding the image. */
    void removed(Sha256 image) {
        counts.decrementAndGet(bucket(image.hashCode()));
    }

    /** False when no offered region holds an image with this {@link Sha256#hashCode}; true when one may. */
    boolean mayHold(int imageHash) {
        return counts.get(bucket(imageHash)) != 0;
    }

    private static int bucket(int hash) {
        return (hash ^ (hash >>> 17)) & (BUCKETS - 1);
    }
}
