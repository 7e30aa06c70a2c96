package org.hwpersonality.benchmarks.scale;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.List;
import java.util.Random;
import javax.sql.DataSource;
import org.hwpersonality.api.Resources;
import org.hwpersonality.api.device.RegionKind;

/**
 * A large fleet written straight into HWP_DEVICE and HWP_REGION, with explicit column lists (columns added later
 * with defaults or as nullable keep this working). Seven card kinds of five families (the samples' families), each
 * card on one of two shells; 97 % ONLINE, 1 % DRAINING, 2 % OFFLINE, 1 % unhealthy; regions 30 % ACTIVE, 2 %
 * FAILED, the rest FREE, and one FREE region in five still holding the image of a catalogue profile that fits it.
 */
final class ScaleFleet {
    /** A kind of card: vendor, family, model, region kind, regions per card, region capacity. */
    record CardKind(String vendor, String family, String model, RegionKind kind, int regions, Resources capacity) {}

    static final List<CardKind> CARDS = List.of(
            new CardKind(
                    "xilinx",
                    "alveo-u250",
                    "Alveo U250",
                    RegionKind.FULL,
                    1,
                    new Resources(1_300_000, 2_600_000, 2_000, 11_500, 65_536)),
            new CardKind(
                    "xilinx",
                    "alveo-u250",
                    "Alveo U250 (2 slots)",
                    RegionKind.PARTIAL,
                    2,
                    new Resources(400_000, 800_000, 600, 2_000, 8_192)),
            new CardKind(
                    "xilinx",
                    "alveo-u55c",
                    "Alveo U55C",
                    RegionKind.FULL,
                    1,
                    new Resources(1_300_000, 2_600_000, 2_000, 9_000, 16_384)),
            new CardKind(
                    "xilinx",
                    "alveo-u55c",
                    "Alveo U55C (4 slots)",
                    RegionKind.PARTIAL,
                    4,
                    new Resources(300_000, 600_000, 400, 2_000, 4_096)),
            new CardKind(
                    "xilinx",
                    "alveo-u30",
                    "Alveo U30",
                    RegionKind.FULL,
                    1,
                    new Resources(500_000, 1_000_000, 900, 2_500, 8_192)),
            new CardKind(
                    "intel",
                    "agilex-f",
                    "Agilex F-Series",
                    RegionKind.FULL,
                    1,
                    new Resources(1_000_000, 2_000_000, 7_000, 4_500, 32_768)),
            new CardKind(
                    "intel",
                    "pac-a10",
                    "PAC Arria 10",
                    RegionKind.FULL,
                    1,
                    new Resources(430_000, 860_000, 2_700, 1_500, 8_192)));

    private static final String DEVICE = "INSERT INTO HWP_DEVICE (ID, VENDOR, MODEL, FAMILY, INTERFACE_ID, BACKEND,"
            + " STATE, HEALTHY, HEALTH_MESSAGE, TEMPERATURE_C, ROW_VERSION) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)";
    private static final String REGION = "INSERT INTO HWP_REGION (DEVICE_ID, REGION_ID, KIND, LUTS, REGISTERS,"
            + " BRAM_BLOCKS, DSPS, MEMORY_MB, STATE, LOADED_PERSONALITY_ID, LOADED_IMAGE, ROW_VERSION)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)";

    /** Writes {@code devices} cards; loaded images name profiles below {@code profiles}. Returns the region count. */
    static long write(DataSource dataSource, int devices, int profiles, ScaleCatalogue catalogue) throws SQLException {
        Random random = new Random(7);
        long regions = 0;
        int[][] templates = new int[CARDS.size()][];
        for (int k = 0; k < CARDS.size(); k++) {
            templates[k] = catalogue
                    .templatesOf(CARDS.get(k).family(), CARDS.get(k).kind())
                    .stream()
                    .mapToInt(Integer::intValue)
                    .toArray();
        }
        int n = catalogue.templates();
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement d = c.prepareStatement(DEVICE);
                    PreparedStatement r = c.prepareStatement(REGION)) {
                for (int i = 0; i < devices; i++) {
                    CardKind card = CARDS.get(i % CARDS.size());
                    String id = String.format("card-%06d", i);
                    int roll = random.nextInt(100);
                    String state = roll < 97 ? "ONLINE" : roll < 98 ? "DRAINING" : "OFFLINE";
                    boolean healthy = random.nextInt(100) != 0;
                    d.setString(1, id);
                    d.setString(2, card.vendor());
                    d.setString(3, card.model());
                    d.setString(4, card.family());
                    d.setString(5, ScaleCatalogue.SHELLS.get(random.nextInt(2)));
                    d.setString(6, "sim");
                    d.setString(7, state);
                    d.setBoolean(8, healthy);
                    d.setString(9, healthy ? "ok" : "ECC errors above threshold");
                    d.setDouble(10, 40 + random.nextInt(40));
                    d.addBatch();
                    for (int k = 0; k < card.regions(); k++) {
                        int s = random.nextInt(100);
                        String regionState = s < 30 ? "ACTIVE" : s < 32 ? "FAILED" : "FREE";
                        Integer loaded = null;
                        int[] fitting = templates[i % CARDS.size()];
                        if ((s < 30 || random.nextInt(5) == 0) && fitting.length > 0) {
                            int t = fitting[random.nextInt(fitting.length)];
                            int rounds = (profiles - 1 - t) / n;
                            loaded = t + n * random.nextInt(rounds + 1);
                        }
                        Resources cap = card.capacity();
                        r.setString(1, id);
                        r.setString(2, String.valueOf(k));
                        r.setString(3, card.kind().name());
                        r.setLong(4, cap.luts());
                        r.setLong(5, cap.registers());
                        r.setLong(6, cap.bramBlocks());
                        r.setLong(7, cap.dsps());
                        r.setLong(8, cap.memoryMb());
                        r.setString(9, regionState);
                        if (loaded == null) {
                            r.setNull(10, Types.VARCHAR);
                            r.setNull(11, Types.CHAR);
                        } else {
                            r.setString(10, ScaleCatalogue.id(loaded));
                            r.setString(11, ScaleCatalogue.image(loaded).hex());
                        }
                        r.addBatch();
                        regions++;
                    }
                    if ((i + 1) % 5_000 == 0) {
                        d.executeBatch();
                        r.executeBatch();
                    }
                }
                d.executeBatch();
                r.executeBatch();
            }
            c.commit();
        }
        return regions;
    }

    private ScaleFleet() {}
}
