package org.hwpersonality.matcher.internal;

import org.hwpersonality.api.service.MatchIndex;
import org.hwpersonality.api.service.PersonalityMatcher;
import org.osgi.service.component.annotations.Component;

/** The matcher: hands out in-memory indexes ({@link MemoryIndex} documents how they match). */
@Component(service = PersonalityMatcher.class)
public class DefaultMatcher implements PersonalityMatcher {
    @Override
    public MatchIndex newIndex() {
        return new MemoryIndex();
    }
}
