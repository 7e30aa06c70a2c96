package org.hwpersonality.matcher.internal;

/** A profile's answer for one guest and one driver snapshot. */
enum Verdict {
    UNSUPPORTED(1),
    NO_DRIVER(2),
    ELIGIBLE(3);

    /** By {@link #code}; 0 is "not known". */
    static final Verdict[] BY_CODE = {null, UNSUPPORTED, NO_DRIVER, ELIGIBLE};

    final int code;

    Verdict(int code) {
        this.code = code;
    }

    boolean supported() {
        return this != UNSUPPORTED;
    }

    boolean hasDriver() {
        return this == ELIGIBLE;
    }
}
