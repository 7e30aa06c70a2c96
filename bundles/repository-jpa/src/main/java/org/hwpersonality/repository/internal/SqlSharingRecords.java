package org.hwpersonality.repository.internal;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.hwpersonality.api.event.HwpEvent;
import org.hwpersonality.api.store.SharingRecords;
import org.hwpersonality.api.tenant.Sharing;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** Sharing records in HWP_SHARING (a row only for what is not {@link Sharing#PUBLIC}), each change audited. */
@Component(service = SharingRecords.class)
public class SqlSharingRecords implements SharingRecords {
    private final Database database;

    @Activate
    public SqlSharingRecords(@Reference Database database) {
        this.database = database;
    }

    @Override
    public Map<String, Sharing> all(Subject kind) {
        return database.jdbcRead(c -> {
            Map<String, Sharing> all = new LinkedHashMap<>();
            try (PreparedStatement s = c.prepareStatement(
                    "SELECT SUBJECT, PUBLIC_USE, TENANTS, SHAREABLE FROM HWP_SHARING WHERE SUBJECT_KIND = ?")) {
                s.setString(1, kind.name());
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        Set<String> tenants = rs.getString(3).isEmpty()
                                ? Set.of()
                                : Set.copyOf(Arrays.asList(rs.getString(3).split(",")));
                        all.put(rs.getString(1), new Sharing(rs.getBoolean(2), tenants, rs.getBoolean(4)));
                    }
                }
            }
            return all;
        });
    }

    @Override
    public void set(Subject kind, String subject, Sharing sharing, String actor) {
        String tenants = String.join(",", sharing.tenants());
        database.inJdbcTransaction(c -> {
            try (PreparedStatement s =
                    c.prepareStatement("DELETE FROM HWP_SHARING WHERE SUBJECT_KIND = ? AND SUBJECT = ?")) {
                s.setString(1, kind.name());
                s.setString(2, subject);
                s.executeUpdate();
            }
            if (!sharing.equals(Sharing.PUBLIC)) {
                try (PreparedStatement s = c.prepareStatement("INSERT INTO HWP_SHARING (SUBJECT_KIND, SUBJECT,"
                        + " PUBLIC_USE, TENANTS, SHAREABLE, UPDATED_AT) VALUES (?, ?, ?, ?, ?, ?)")) {
                    s.setString(1, kind.name());
                    s.setString(2, subject);
                    s.setBoolean(3, sharing.publicUse());
                    s.setString(4, tenants);
                    s.setBoolean(5, sharing.shareable());
                    s.setTimestamp(6, Timestamp.from(Instant.now()));
                    s.executeUpdate();
                }
            }
            Audit.write(
                    c,
                    HwpEvent.topic("sharing", "CHANGED"),
                    kind.name().toLowerCase(java.util.Locale.ROOT) + ":" + subject,
                    actor,
                    Map.of(
                            "public",
                            String.valueOf(sharing.publicUse()),
                            "tenants",
                            sharing.tenants().stream().collect(Collectors.joining(",")),
                            "shareable",
                            String.valueOf(sharing.shareable())));
            return null;
        });
    }
}
