package org.hwpersonality.repository.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.hwpersonality.api.store.Signals;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * Signals through PostgreSQL's {@code LISTEN/NOTIFY}: one connection of the pool listens on every channel for this
 * node (a thread that waits for notifications, half a second at a time, and reconnects after a failure); a signal
 * is sent with {@code pg_notify}. On embedded Derby, which serves one node, signals go to this process's subscribers
 * directly.
 */
@Component(service = {Signals.class, DatabaseSignals.class})
public class DatabaseSignals implements Signals {
    private static final Logger LOG = Logger.getLogger(DatabaseSignals.class.getName());
    private static final List<String> CHANNELS =
            List.of(TASK_QUEUED, ALLOCATION_CHANGED, DEVICES_CHANGED, SHARING_CHANGED, REGION_WANTED, BACKGROUND_WORK);

    private final Database database;
    private final Map<String, List<Consumer<String>>> subscribers = new ConcurrentHashMap<>();
    private final Thread listener;
    private volatile boolean running = true;

    @Activate
    public DatabaseSignals(@Reference Database database) {
        this.database = database;
        CHANNELS.forEach(c -> subscribers.put(c, new CopyOnWriteArrayList<>()));
        if (database.postgres()) {
            listener = new Thread(this::listen, "hwp-signals");
            listener.setDaemon(true);
            listener.start();
        } else {
            listener = null;
        }
    }

    @Deactivate
    public void stop() throws InterruptedException {
        running = false;
        if (listener != null) {
            listener.interrupt();
            listener.join(2_000);
        }
    }

    @Override
    public void publish(String channel, String payload) {
        if (!database.postgres()) {
            deliver(channel, payload);
            return;
        }
        database.inJdbcTransaction(c -> {
            send(c, channel, payload);
            return null;
        });
    }

    /**
     * Sends a signal with the change that {@code c}'s transaction commits, so that it costs no transaction of its own
     * and nobody is woken before the change is visible: PostgreSQL delivers a notification at commit, and drops it
     * with a rollback. On Derby it does nothing here: the caller calls {@link #committed} once the commit is done.
     */
    void send(Connection c, String channel, String payload) throws SQLException {
        if (database.postgres()) {
            PreparedStatement s = Statements.prepare(c, "SELECT pg_notify(?, ?)");
            s.setString(1, channel);
            s.setString(2, payload);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
            }
        }
    }

    /** After the commit of a transaction that {@link #send sent} a signal: delivers it in this process on Derby. */
    void committed(String channel, String payload) {
        if (!database.postgres()) {
            deliver(channel, payload);
        }
    }

    @Override
    public AutoCloseable subscribe(String channel, Consumer<String> listener) {
        List<Consumer<String>> list = subscribers.get(channel);
        if (list == null) {
            throw new IllegalArgumentException("unknown channel " + channel);
        }
        list.add(listener);
        return () -> list.remove(listener);
    }

    private void deliver(String channel, String payload) {
        for (Consumer<String> c : subscribers.getOrDefault(channel, List.of())) {
            try {
                c.accept(payload);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "A subscriber of " + channel + " failed", e);
            }
        }
    }

    private void listen() {
        while (running) {
            try (Connection c = database.dedicatedConnection()) {
                c.setAutoCommit(true);
                try (Statement s = c.createStatement()) {
                    for (String channel : CHANNELS) {
                        s.execute("LISTEN " + channel);
                    }
                }
                PGConnection pg = c.unwrap(PGConnection.class);
                while (running) {
                    PGNotification[] received = pg.getNotifications(500);
                    if (received != null) {
                        for (PGNotification n : received) {
                            deliver(n.getName(), n.getParameter());
                        }
                    }
                }
            } catch (SQLException | RuntimeException e) {
                if (!running) {
                    return;
                }
                LOG.log(Level.WARNING, "Listening for signals failed; polling covers until it reconnects", e);
                try {
                    Thread.sleep(1_000);
                } catch (InterruptedException interrupted) {
                    return;
                }
            }
        }
    }
}
