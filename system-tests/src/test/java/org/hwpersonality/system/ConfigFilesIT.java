package org.hwpersonality.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * Every configuration PID of the distribution's HWP bundles ships its {@code etc/PID.cfg} with every key at its
 * default and a comment above each key; factory PIDs (the simulated fleets) ship at least one configuration, and
 * no file names a key its bundle does not know. The truth is the metatype in the bundles the distribution carries
 * (generated from the {@code @ObjectClassDefinition}s), so a setting added, renamed or given another default in the
 * code without its file fails here. No Karaf is started: the files are read as the assembly left them.
 */
class ConfigFilesIT {
    private static final Path DISTRIBUTION =
            Path.of(System.getProperty("hwp.distribution", "../karaf-assembly/target/assembly"));

    /** One PID's metatype: its attributes' IDs with their defaults (metatype's escapes undone). */
    record Designate(String pid, boolean factory, Map<String, String> defaults, String bundle) {}

    @Test
    void everyPidShipsItsFileWithEveryKeyAtItsDefaultAndACommentAboveEach() throws Exception {
        List<Designate> designates = designates();
        assertThat(designates)
                .extracting(Designate::pid)
                .as("the PIDs of the bundles the distribution carries")
                .contains(
                        "org.hwpersonality.node",
                        "org.hwpersonality.management",
                        "org.hwpersonality.artifacts",
                        "org.hwpersonality.backend.xilinx",
                        "org.hwpersonality.backend.sim.fleet");
        List<String> problems = new ArrayList<>();
        for (Designate d : designates) {
            if (d.factory()) {
                List<Path> files;
                try (Stream<Path> etc = Files.list(DISTRIBUTION.resolve("etc"))) {
                    files = etc.filter(f -> f.getFileName().toString().startsWith(d.pid() + "-"))
                            .filter(f -> f.getFileName().toString().endsWith(".cfg"))
                            .sorted()
                            .toList();
                }
                if (files.isEmpty()) {
                    problems.add(d.pid() + ": no etc/" + d.pid() + "-NAME.cfg");
                }
                for (Path f : files) {
                    read(f).keySet().stream()
                            .filter(k -> !d.defaults().containsKey(k))
                            .forEach(k -> problems.add(f.getFileName() + ": unknown key " + k));
                }
                continue;
            }
            Path file = DISTRIBUTION.resolve("etc").resolve(d.pid() + ".cfg");
            if (!Files.exists(file)) {
                problems.add(d.pid() + " (" + d.bundle() + "): no etc/" + d.pid() + ".cfg");
                continue;
            }
            Map<String, Entry> entries = read(file);
            d.defaults().forEach((key, value) -> {
                Entry e = entries.get(key);
                if (e == null) {
                    problems.add(file.getFileName() + ": no key " + key);
                } else if (!e.value().equals(value)) {
                    problems.add(file.getFileName() + ": " + key + " = '" + e.value() + "', default '" + value + "'");
                } else if (!e.commented()) {
                    problems.add(file.getFileName() + ": no comment above " + key);
                }
            });
            entries.keySet().stream()
                    .filter(k -> !d.defaults().containsKey(k))
                    .forEach(k -> problems.add(file.getFileName() + ": unknown key " + k));
        }
        assertThat(problems).isEmpty();
    }

    /** A key's value in a {@code .cfg} file, and whether a comment line stands right above it. */
    record Entry(String value, boolean commented) {}

    /** The simple {@code key = value} lines of a {@code .cfg} file, as HWP's files are written (no continuations). */
    static Map<String, Entry> read(Path cfg) throws IOException {
        Map<String, Entry> entries = new LinkedHashMap<>();
        boolean comment = false;
        for (String raw : Files.readAllLines(cfg, StandardCharsets.UTF_8)) {
            String line = raw.strip();
            if (line.startsWith("#") || line.startsWith("!")) {
                comment = true;
                continue;
            }
            if (line.isEmpty()) {
                comment = false;
                continue;
            }
            int eq = line.indexOf('=');
            String key = (eq < 0 ? line : line.substring(0, eq)).strip();
            String value = eq < 0 ? "" : line.substring(eq + 1).strip();
            entries.put(key, new Entry(value, comment));
            comment = false;
        }
        return entries;
    }

    /** The designates of the metatype documents in the HWP bundles under {@code system/}. */
    static List<Designate> designates() throws Exception {
        List<Path> jars;
        try (Stream<Path> all = Files.walk(DISTRIBUTION.resolve("system/org/hwpersonality"))) {
            jars = all.filter(p -> p.toString().endsWith(".jar")).sorted().toList();
        }
        assertThat(jars).as("HWP bundles in the distribution").isNotEmpty();
        List<Designate> found = new ArrayList<>();
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(false);
        for (Path jar : jars) {
            try (JarFile file = new JarFile(jar.toFile())) {
                for (var entry : java.util.Collections.list(file.entries())) {
                    if (!entry.getName().startsWith("OSGI-INF/metatype/")
                            || !entry.getName().endsWith(".xml")) {
                        continue;
                    }
                    Document doc;
                    try (InputStream in = file.getInputStream(entry)) {
                        doc = factory.newDocumentBuilder().parse(in);
                    }
                    Map<String, String> defaults = new TreeMap<>();
                    NodeList ads = doc.getElementsByTagName("AD");
                    for (int i = 0; i < ads.getLength(); i++) {
                        Element ad = (Element) ads.item(i);
                        defaults.put(ad.getAttribute("id"), unescape(ad.getAttribute("default")));
                    }
                    Element designate =
                            (Element) doc.getElementsByTagName("Designate").item(0);
                    boolean isFactory = !designate.getAttribute("factoryPid").isEmpty();
                    String pid = isFactory ? designate.getAttribute("factoryPid") : designate.getAttribute("pid");
                    found.add(new Designate(
                            pid, isFactory, defaults, jar.getFileName().toString()));
                }
            }
        }
        return found;
    }

    /** Metatype escapes commas and spaces in defaults with a backslash; a .cfg value is the plain text. */
    private static String unescape(String value) {
        return value.replaceAll("\\\\(.)", "$1");
    }
}
