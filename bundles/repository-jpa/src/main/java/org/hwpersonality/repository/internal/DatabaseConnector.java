package org.hwpersonality.repository.internal;

import java.util.Hashtable;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.persistence.EntityManagerFactory;
import javax.sql.DataSource;
import org.hwpersonality.api.service.StartupCheck;
import org.osgi.annotation.bundle.Capability;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * Connects HWP to its database, and keeps trying while the database does not answer: it brings the schema up to
 * date, then registers the {@link Database} service every repository needs, so a database that comes up after the
 * node (or comes back) is taken up without a restart. Meanwhile it is a {@link StartupCheck} ({@code
 * hwp.startup=database}) whose pending reason {@code /health} gives administrators.
 */
// The Database service is registered by hand, once the database answers: declared for the resolver.
@Capability(
        namespace = "osgi.service",
        attribute = "objectClass:List<String>=\"org.hwpersonality.repository.internal.Database\"")
@Component(
        service = StartupCheck.class,
        immediate = true,
        configurationPid = DatabaseConnector.PID,
        property = StartupCheck.PROPERTY + "=database")
@Designate(ocd = DatabaseConnector.Config.class)
public final class DatabaseConnector implements StartupCheck {
    static final String PID = "org.hwpersonality.repository";
    /** How long between two attempts to reach the database. */
    static final long RETRY_MILLIS = 2_000;

    private static final Logger LOG = Logger.getLogger(DatabaseConnector.class.getName());

    /** Which DataSource and persistence unit HWP uses. */
    @ObjectClassDefinition(
            name = "HWP Repository",
            description = "The database that holds every profile, device, allocation, VM and event of HWP.")
    public @interface Config {
        @AttributeDefinition(
                name = "DataSource",
                description =
                        "Filter selecting the DataSource (made by pax-jdbc-config from etc/org.ops4j.datasource-hwp.cfg).")
        String dataSource_target() default "(osgi.jndi.service.name=hwp)";

        @AttributeDefinition(name = "Persistence unit", description = "Filter selecting HWP's EntityManagerFactory.")
        String entityManagerFactory_target() default "(osgi.unit.name=hwp)";
    }

    private final BundleContext context;
    private final DataSource dataSource;
    private final EntityManagerFactory emf;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final Thread connecting;
    private volatile String pending = "connecting to the database";
    private Database database;
    private ServiceRegistration<Database> registration;

    @Activate
    public DatabaseConnector(
            BundleContext context,
            Config config,
            @Reference(name = "dataSource", target = "(osgi.jndi.service.name=hwp)") DataSource dataSource,
            @Reference(name = "entityManagerFactory", target = "(osgi.unit.name=hwp)") EntityManagerFactory emf) {
        this.context = context;
        this.dataSource = dataSource;
        this.emf = emf;
        this.connecting = new Thread(this::connect, "hwp-database-connector");
        connecting.setDaemon(true);
        connecting.start();
    }

    @Override
    public Optional<String> pending() {
        return Optional.ofNullable(pending);
    }

    private void connect() {
        String last = null;
        while (stopped.getCount() > 0) {
            try {
                Database connected = new Database(dataSource, emf);
                synchronized (this) {
                    if (stopped.getCount() == 0) {
                        connected.close();
                        return;
                    }
                    database = connected;
                    registration = context.registerService(Database.class, connected, new Hashtable<>());
                }
                pending = null;
                LOG.info("The database answers (schema version " + connected.schemaVersion() + "): HWP serves");
                return;
            } catch (RuntimeException e) {
                String reason = reason(e);
                pending = "the database does not answer (HWP keeps trying): " + reason;
                if (!reason.equals(last)) {
                    LOG.log(
                            Level.WARNING,
                            "The database does not answer; HWP retries every " + RETRY_MILLIS / 1000
                                    + " s until it does: " + reason,
                            e);
                    last = reason;
                }
            }
            try {
                if (stopped.await(RETRY_MILLIS, TimeUnit.MILLISECONDS)) {
                    return;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** The innermost cause's message: what the driver said ("Connection refused", a bad password). */
    private static String reason(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        String message =
                String.valueOf(cause.getMessage()).replaceAll("\\s+", " ").strip();
        return message.length() > 300 ? message.substring(0, 300) + "…" : message;
    }

    @Deactivate
    void deactivate() throws InterruptedException {
        stopped.countDown();
        connecting.interrupt();
        connecting.join(TimeUnit.SECONDS.toMillis(10));
        synchronized (this) {
            if (registration != null) {
                registration.unregister();
                registration = null;
            }
            if (database != null) {
                database.close();
                database = null;
            }
        }
    }
}
