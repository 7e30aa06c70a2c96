package org.hwpersonality.repository.internal;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import org.hwpersonality.api.ErrorCode;
import org.hwpersonality.api.HwpException;
import org.hwpersonality.api.store.SigningKeys;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * Signing key pairs in HWP_SIGNING_KEY, keyed by purpose. Insert-if-absent is an insert that the primary key
 * refuses for every node but the first (a concurrent insert waits for the first to commit, then fails), followed
 * by a read of what is stored.
 */
@Component(service = SigningKeys.class)
public class SqlSigningKeys implements SigningKeys {
    private final Database database;

    @Activate
    public SqlSigningKeys(@Reference Database database) {
        this.database = database;
    }

    @Override
    public Optional<KeyPairRecord> find(String purpose) {
        return database.jdbcRead(c -> {
            try (PreparedStatement s = c.prepareStatement(
                    "SELECT ALGORITHM, PUBLIC_KEY, PRIVATE_KEY FROM HWP_SIGNING_KEY WHERE PURPOSE = ?")) {
                s.setString(1, purpose);
                try (ResultSet rs = s.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.empty();
                    }
                    Base64.Decoder b64 = Base64.getDecoder();
                    return Optional.of(new KeyPairRecord(
                            rs.getString(1), b64.decode(rs.getString(2)), b64.decode(rs.getString(3))));
                }
            }
        });
    }

    @Override
    public KeyPairRecord storeIfAbsent(String purpose, KeyPairRecord proposed) {
        Optional<KeyPairRecord> stored = find(purpose);
        if (stored.isPresent()) {
            return stored.get();
        }
        try {
            database.inOwnJdbcTransaction(c -> {
                try (PreparedStatement s = c.prepareStatement("INSERT INTO HWP_SIGNING_KEY"
                        + " (PURPOSE, ALGORITHM, PUBLIC_KEY, PRIVATE_KEY, CREATED_AT) VALUES (?, ?, ?, ?, ?)")) {
                    Base64.Encoder b64 = Base64.getEncoder();
                    s.setString(1, purpose);
                    s.setString(2, proposed.algorithm());
                    s.setString(3, b64.encodeToString(proposed.publicKey()));
                    s.setString(4, b64.encodeToString(proposed.privateKey()));
                    s.setTimestamp(5, Timestamp.from(Instant.now()));
                    return s.executeUpdate();
                }
            });
        } catch (HwpException e) {
            if (e.code() != ErrorCode.CONFLICT) {
                throw e;
            }
            // another node stored its key pair first: that one is the installation's
        }
        return find(purpose)
                .orElseThrow(() -> new IllegalStateException("the signing key for '" + purpose + "' was not stored"));
    }
}
