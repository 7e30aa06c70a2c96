package org.hwpersonality.security.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.security.auth.login.AppConfigurationEntry;
import org.apache.karaf.jaas.boot.ProxyLoginModule;
import org.apache.karaf.jaas.config.JaasRealm;
import org.apache.karaf.jaas.modules.BackingEngine;
import org.apache.karaf.jaas.modules.properties.PropertiesBackingEngineFactory;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;

/**
 * The administrator's password on first start (CONTRACT.md, "Additions (v2)"). The distribution ships the user
 * {@code karaf} (role {@code admin}) with no usable password: {@link #UNSET}, which no password hashes to. The first
 * time HWP starts, the password becomes {@code HWP_ADMIN_PASSWORD} from the environment if that is set, or else a
 * generated one that is shown once, on the console and in the owner-only file {@code data/hwp/initial-admin-password}
 * (as Jenkins does on its first start). Either way it is written through Karaf's own JAAS backing engine for
 * {@code etc/users.properties}, which hashes it as {@code etc/org.apache.karaf.jaas.cfg} says (bcrypt in HWP's
 * distribution). Once the password is set, this component changes nothing, on any later start.
 */
@Component(immediate = true)
public final class FirstStartAdministrator {
    private static final Logger LOG = Logger.getLogger(FirstStartAdministrator.class.getName());
    static final String USER = "karaf";
    /** The shipped password entry: marked as a hash, and one that no password matches. */
    static final String UNSET = "{CRYPT}set-on-first-start{CRYPT}";

    static final String ENVIRONMENT = "HWP_ADMIN_PASSWORD";
    static final String REALM = "karaf";
    static final String PROPERTIES_MODULE = "org.apache.karaf.jaas.modules.properties.PropertiesLoginModule";

    @Activate
    public FirstStartAdministrator(@Reference(cardinality = ReferenceCardinality.MULTIPLE) List<JaasRealm> realms) {
        Optional<AppConfigurationEntry> entry = realms.stream()
                .filter(r -> REALM.equals(r.getName()))
                .sorted((a, b) -> Integer.compare(b.getRank(), a.getRank()))
                .flatMap(r -> Arrays.stream(r.getEntries()))
                .filter(e -> PROPERTIES_MODULE.equals(e.getOptions().get(ProxyLoginModule.PROPERTY_MODULE)))
                .findFirst();
        if (entry.isEmpty()) {
            LOG.warning("The JAAS realm " + REALM + " has no users.properties module: the administrator's password is"
                    + " not HWP's to set");
            return;
        }
        try {
            setOnFirstStart(
                    entry.get().getOptions(),
                    System.getenv(ENVIRONMENT),
                    Path.of(System.getProperty("karaf.data", "data"), "hwp", "initial-admin-password"),
                    System.out);
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.SEVERE, "Could not set the administrator's password on first start", e);
        }
    }

    /**
     * Sets {@link #USER}'s password if it is still {@link #UNSET}: to {@code given} when that is not empty, otherwise
     * to a generated one, written to {@code shownOnce} (owner-only) and printed on {@code console}. Returns whether it
     * set one.
     */
    static boolean setOnFirstStart(Map<String, ?> realmOptions, String given, Path shownOnce, PrintStream console)
            throws IOException {
        Path users = Path.of(String.valueOf(realmOptions.get("users")));
        if (!UNSET.equals(storedPassword(users, USER).orElse(null))) {
            return false;
        }
        boolean generated = given == null || given.isEmpty();
        String password = generated ? Passwords.generate() : given;
        BackingEngine engine = new PropertiesBackingEngineFactory().build(realmOptions);
        engine.addUser(USER, password); // keeps the user's groups; hashes as the realm is configured
        OwnerOnly.restrict(users);
        if (storedPassword(users, USER).map(password::equals).orElse(true)) {
            LOG.warning("The administrator's password is stored in clear in " + users
                    + ": password encryption is off in etc/org.apache.karaf.jaas.cfg");
        }
        if (generated) {
            OwnerOnly.write(shownOnce, password + "\n");
            console.println();
            console.println(
                    "HWP: the administrator is '" + USER + "', with the password generated on this first start:");
            console.println();
            console.println("    " + password);
            console.println();
            console.println("It is also in " + shownOnce + " (readable by this user only); delete that file once you"
                    + " have kept the password. Change it with jaas:user-add (see docs/security.md).");
            console.println();
            LOG.info("The administrator's password was generated on first start; it is in " + shownOnce);
        } else {
            LOG.info("The administrator's password was set from " + ENVIRONMENT + " on first start");
        }
        return true;
    }

    /** The password part of a user's entry in a users.properties file, as stored. */
    static Optional<String> storedPassword(Path users, String user) throws IOException {
        if (!Files.isRegularFile(users)) {
            return Optional.empty();
        }
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(users)) {
            p.load(in);
        }
        String entry = p.getProperty(user);
        if (entry == null) {
            return Optional.empty();
        }
        int comma = entry.indexOf(',');
        return Optional.of((comma < 0 ? entry : entry.substring(0, comma)).trim());
    }
}
