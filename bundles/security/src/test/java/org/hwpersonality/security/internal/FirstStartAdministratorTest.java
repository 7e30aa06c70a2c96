package org.hwpersonality.security.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The first-start password through Karaf's real users.properties backing engine, on a copy of the users.properties
 * file the distribution ships (encryption off here: the bcrypt hashing runs in the distribution, SecureDefaultsIT).
 */
class FirstStartAdministratorTest {
    @TempDir
    Path folder;

    private Path shipped() throws Exception {
        Path users = folder.resolve("users.properties");
        Files.copy(Path.of("../../karaf-assembly/src/main/resources/assembly/etc/users.properties"), users);
        return users;
    }

    @Test
    void theShippedUsersFileHasNoUsablePassword() throws Exception {
        assertThat(FirstStartAdministrator.storedPassword(shipped(), "karaf")).contains(FirstStartAdministrator.UNSET);
    }

    @Test
    void aGeneratedPasswordIsShownOnceOnTheConsoleAndInAnOwnerOnlyFile() throws Exception {
        Path users = shipped();
        Path shown = folder.resolve("data/hwp/initial-admin-password");
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        boolean set = FirstStartAdministrator.setOnFirstStart(
                Map.of("users", users.toString()), null, shown, new PrintStream(console, true, StandardCharsets.UTF_8));

        assertThat(set).isTrue();
        String password = Files.readString(shown).trim();
        assertThat(password).hasSize(Passwords.LENGTH).matches("[a-km-zA-HJ-NP-Z2-9]+");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(shown)))
                .isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(users)))
                .isEqualTo("rw-------");
        assertThat(console.toString(StandardCharsets.UTF_8)).contains(password).contains(shown.toString());
        assertThat(FirstStartAdministrator.storedPassword(users, "karaf")).contains(password);
        assertThat(Files.readString(users)).as("the groups kept").contains("_g_:admingroup");

        // Any later start changes nothing.
        assertThat(FirstStartAdministrator.setOnFirstStart(
                        Map.of("users", users.toString()),
                        "other",
                        shown,
                        new PrintStream(new ByteArrayOutputStream())))
                .isFalse();
        assertThat(FirstStartAdministrator.storedPassword(users, "karaf")).contains(password);
    }

    @Test
    void theEnvironmentsPasswordIsTakenAndNothingIsShown() throws Exception {
        Path users = shipped();
        Path shown = folder.resolve("data/hwp/initial-admin-password");
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        assertThat(FirstStartAdministrator.setOnFirstStart(
                        Map.of("users", users.toString()), "given-pw", shown, new PrintStream(console)))
                .isTrue();
        assertThat(FirstStartAdministrator.storedPassword(users, "karaf")).contains("given-pw");
        assertThat(shown).doesNotExist();
        assertThat(console.toString()).doesNotContain("given-pw");
    }

    @Test
    void generatedPasswordsDiffer() {
        assertThat(Passwords.generate()).isNotEqualTo(Passwords.generate());
    }
}
