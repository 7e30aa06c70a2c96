package org.hwpersonality.matcher.internal;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.hwpersonality.api.OsInfo;
import org.hwpersonality.api.profile.OsSupport;

/**
 * Which guests one OS-support list covers, each guest slot ({@link Guests}) answered once. Profiles with equal lists
 * share one instance (a catalogue has a few hundred distinct lists for a million profiles), so the answer is kept
 * for good, in memory the walk touches often, instead of being worked out again for each profile from its list and
 * kernel ranges, several objects away. Answers never change: a profile's list never does.
 */
final class GuestSupport {
    private final List<OsSupport> list;

    /** Two bits per slot: asked, covered. */
    private final AtomicLong answers = new AtomicLong();

    GuestSupport(List<OsSupport> list) {
        this.list = list;
    }

    boolean covers(Guests.Guest guest) {
        int slot = guest.slot();
        if (slot < 0) {
            return covers(guest.os());
        }
        long known = answers.get();
        long asked = 1L << (2 * slot);
        long covered = asked << 1;
        if ((known & asked) != 0) {
            return (known & covered) != 0;
        }
        boolean answer = covers(guest.os());
        answers.getAndAccumulate(answer ? asked | covered : asked, (a, b) -> a | b);
        return answer;
    }

    /** As {@link org.hwpersonality.api.profile.PersonalityProfile#supports}. */
    private boolean covers(OsInfo os) {
        for (OsSupport s : list) {
            if (s.covers(os)) {
                return true;
            }
        }
        return false;
    }
}
