package org.hwpersonality.rest.internal;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import javax.security.auth.Subject;

/**
 * Basic logins that succeeded lately, so that a client sending the same credentials with every request pays the
 * bcrypt check (about 100 ms of CPU) once per {@link #ttlNanos()}, not every time.
 *
 * <p>An entry is keyed by the HMAC-SHA-256 of {@code user:password} under a random key made when the process starts,
 * never by the password itself; nothing outside the process can test a guess against it. Only successes are stored.
 * An entry lives at most the TTL: a user removed or given another password or role in {@code users.properties} is
 * refused, or seen with the new role, within that time. At most {@code maxEntries} logins are kept; the least
 * recently used goes first.
 */
final class LoginCache {
    /** Defaults: 60 s, 1,000 logins. */
    static final int DEFAULT_TTL_SECONDS = 60;

    static final int DEFAULT_MAX_ENTRIES = 1_000;

    private final SecretKeySpec key;
    private volatile long ttlNanos;
    private volatile int maxEntries;
    private final Map<String, Remembered> entries = new LinkedHashMap<>(16, 0.75f, true);

    private record Remembered(Subject subject, long expiresAt) {}

    LoginCache(long ttlSeconds, int maxEntries) {
        byte[] raw = new byte[32];
        new SecureRandom().nextBytes(raw);
        this.key = new SecretKeySpec(raw, "HmacSHA256");
        configure(ttlSeconds, maxEntries);
    }

    /** New limits; entries over the new size go at once, entries older than the new TTL at their next look-up. */
    synchronized void configure(long ttlSeconds, int maxEntries) {
        if (ttlSeconds < 0 || maxEntries < 0) {
            throw new IllegalArgumentException("the TTL and the size must not be negative");
        }
        this.ttlNanos = ttlSeconds * 1_000_000_000L;
        this.maxEntries = maxEntries;
        trim();
    }

    long ttlNanos() {
        return ttlNanos;
    }

    /** The key of {@code credentials} ({@code user:password} as sent): its keyed hash, in hex. */
    String keyOf(String credentials) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return HexFormat.of().formatHex(mac.doFinal(credentials.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA-256 is part of every Java runtime", e);
        }
    }

    /** Who logged in with these credentials, if that succeeded less than the TTL before {@code now} (nanoTime). */
    synchronized Optional<Subject> find(String key, long now) {
        Remembered r = entries.get(key);
        if (r == null) {
            return Optional.empty();
        }
        if (now - r.expiresAt() >= 0 || r.expiresAt() - now > ttlNanos) {
            entries.remove(key);
            return Optional.empty();
        }
        return Optional.of(r.subject());
    }

    /** Remembers a successful login made at {@code now} (nanoTime); the subject is made read-only. */
    synchronized void remember(String key, Subject subject, long now) {
        if (ttlNanos == 0 || maxEntries == 0) {
            return;
        }
        subject.setReadOnly();
        entries.put(key, new Remembered(subject, now + ttlNanos));
        trim();
    }

    synchronized int size() {
        return entries.size();
    }

    private void trim() {
        var it = entries.entrySet().iterator();
        while (entries.size() > maxEntries && it.hasNext()) {
            it.next();
            it.remove();
        }
    }
}
