package org.hwpersonality.matcher.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.hwpersonality.api.Sha256;
import org.junit.jupiter.api.Test;

class LoadedImagesTest {
    private final Sha256 image = Sha256.of(String.format("%064x", 42));

    @Test
    void anImageMayBeHeldWhileSomeRegionHoldsIt() {
        LoadedImages loaded = new LoadedImages();
        assertThat(loaded.mayHold(image.hashCode())).isFalse();
        loaded.added(image);
        loaded.added(image);
        assertThat(loaded.mayHold(image.hashCode())).isTrue();
        loaded.removed(image);
        assertThat(loaded.mayHold(image.hashCode())).isTrue();
        loaded.removed(image);
        assertThat(loaded.mayHold(image.hashCode())).isFalse();
    }
}
