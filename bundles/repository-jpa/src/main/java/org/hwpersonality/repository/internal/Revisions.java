package org.hwpersonality.repository.internal;

import javax.persistence.EntityManager;

/**
 * The counters of HWP_COUNTER. {@link #next} increments with an UPDATE, whose row lock lasts until the
 * transaction ends: writers take numbers in commit order, so a reader that sees number n also sees every change
 * numbered n or less.
 */
final class Revisions {
    static final String PROFILES = "profiles";

    private Revisions() {}

    static long next(EntityManager em, String counter) {
        em.createNativeQuery("UPDATE HWP_COUNTER SET COUNTER_VALUE = COUNTER_VALUE + 1 WHERE NAME = ?1")
                .setParameter(1, counter)
                .executeUpdate();
        return current(em, counter);
    }

    static long current(EntityManager em, String counter) {
        Object value = em.createNativeQuery("SELECT COUNTER_VALUE FROM HWP_COUNTER WHERE NAME = ?1")
                .setParameter(1, counter)
                .getSingleResult();
        return ((Number) value).longValue();
    }
}
