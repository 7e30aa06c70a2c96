package org.hwpersonality.artifacts.archive;

import static org.hwpersonality.artifacts.archive.DriverArchive.entry;
import static org.hwpersonality.artifacts.archive.DriverArchive.refuse;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.apache.commons.compress.archivers.tar.TarUtils;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.hwpersonality.artifacts.archive.DriverArchive.Limits;

/**
 * Reads a gzip-compressed tar with Commons Compress. Every header record (pax 'x' and 'g', GNU 'L' and 'K' included)
 * counts as an entry, and every header byte towards the total; at most {@value #MAX_HEADERS} header records and
 * {@link DriverArchive#MAX_META_BYTES} header bytes may precede one entry. Only regular files and directories are
 * accepted. Gzip members are read as gzip does (concatenated), and the expanded stream may not outgrow the
 * compressed one by more than the ratio limit.
 */
final class TarReader {
    /** Most header records before one entry: its own, pax global and local, GNU long name and long link. */
    static final int MAX_HEADERS = 8;

    private TarReader() {}

    static void read(InputStream file, EntryCollector c, Limits limits) throws IOException {
        MeteredStream compressed = new MeteredStream(file);
        String[] current = {"(first entry)"};
        MeteredStream tarBytes = new MeteredStream(new GzipCompressorInputStream(compressed, true))
                .limitRatio(() -> current[0], compressed::count, limits);
        HeaderBudget budget = new HeaderBudget(tarBytes);
        try (CheckedTarStream tar = new CheckedTarStream(budget, c)) {
            while (true) {
                long before = tarBytes.count();
                tar.headers = 0;
                tar.metaBytes = 0;
                tar.absoluteName = null;
                budget.ceiling = before + DriverArchive.MAX_META_BYTES;
                TarArchiveEntry e = tar.getNextEntry();
                budget.ceiling = Long.MAX_VALUE;
                if (e == null) {
                    return;
                }
                String name = e.getName();
                current[0] = name;
                budget.after = "'" + name + "'";
                if (tar.absoluteName != null) {
                    throw entry(tar.absoluteName, "path is absolute");
                }
                c.headerBytes(name, tar.metaBytes);
                accept(tar, e, c);
            }
        }
    }

    private static void accept(TarArchiveInputStream tar, TarArchiveEntry e, EntryCollector c) throws IOException {
        String name = e.getName();
        byte type = e.getLinkFlag();
        if (e.isSparse() || e.isGNUSparse() || e.isOldGNUSparse() || e.isPaxGNUSparse()) {
            throw entry(name, "is a sparse file");
        }
        switch (type) {
            case TarConstants.LF_NORMAL, TarConstants.LF_OLDNORM, TarConstants.LF_CONTIG, TarConstants.LF_DIR -> {}
            case TarConstants.LF_SYMLINK -> throw entry(name, "is a symbolic link (to '" + e.getLinkName() + "')");
            case TarConstants.LF_LINK -> throw entry(name, "is a hard link (to '" + e.getLinkName() + "')");
            case TarConstants.LF_CHR -> throw entry(name, "is a character device");
            case TarConstants.LF_BLK -> throw entry(name, "is a block device");
            case TarConstants.LF_FIFO -> throw entry(name, "is a FIFO");
            default -> throw entry(name, "has an unsupported entry type '" + printable(type) + "'");
        }
        boolean directory = type == TarConstants.LF_DIR || name.endsWith("/");
        if (directory && e.getSize() != 0) {
            throw entry(name, "is not a regular file but has " + e.getSize() + " bytes of content");
        }
        if (EntryPath.isRoot(name)) {
            if (!directory) {
                throw entry(name, "path is empty once normalized");
            }
            return; // the root itself, as "tar -C dir ." writes it
        }
        EntryPath path = EntryPath.of(name);
        if (directory) {
            c.directory(name, path.path());
        } else {
            MeteredStream content = new MeteredStream(tar);
            c.file(name, path.path(), content);
            if (content.count() != e.getSize()) {
                throw refuse("is truncated");
            }
        }
    }

    private static String printable(byte type) {
        return type >= 0x20 && type < 0x7f ? String.valueOf((char) type) : String.format("\\x%02x", type & 0xff);
    }

    /** Refuses reading past {@link #ceiling} (the header budget before one entry); watches pax data for paths. */
    private static final class HeaderBudget extends InputStream {
        private final MeteredStream in;
        long ceiling = Long.MAX_VALUE;
        String after = "the start";
        /** Pax data being collected (the library applies pax "path" without its leading '/'). */
        ByteArrayOutputStream pax;

        long paxLeft;

        HeaderBudget(MeteredStream in) {
            this.in = in;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (ceiling != Long.MAX_VALUE) {
                len = (int) Math.min(len, Math.max(1, ceiling + 1 - in.count()));
            }
            int n = in.read(b, off, len);
            if (n > 0 && in.count() > ceiling) {
                throw refuse("has more than " + DriverArchive.MAX_META_BYTES
                        + " bytes of tar headers before the entry after " + after);
            }
            if (n > 0 && pax != null) {
                int take = (int) Math.min(n, paxLeft);
                pax.write(b, off, take);
                paxLeft -= take;
            }
            return n;
        }
    }

    /** The library's tar reader, checking every header record it reads. */
    private static final class CheckedTarStream extends TarArchiveInputStream {
        private final HeaderBudget budget;
        private final EntryCollector collector;
        int headers;
        long metaBytes;
        String absoluteName;

        CheckedTarStream(HeaderBudget in, EntryCollector collector) {
            super(in, "UTF-8");
            this.budget = in;
            this.collector = collector;
        }

        @Override
        protected byte[] readRecord() throws IOException {
            checkPax(); // the data of a pax header read before this record
            long before = budget.in.count();
            byte[] r = super.readRecord();
            if (r == null && budget.in.count() > before) {
                throw refuse("is truncated"); // part of a header, then the end
            }
            if (r == null || isEOFRecord(r)) {
                return r;
            }
            String raw = TarUtils.parseName(r, 0, TarConstants.NAMELEN);
            String prefix = TarUtils.parseName(r, 345, TarConstants.PREFIXLEN);
            boolean checksum;
            try {
                checksum = TarUtils.verifyCheckSum(r);
            } catch (IllegalArgumentException notOctal) {
                checksum = false;
            }
            if (!checksum) {
                if (!readableName(r)) {
                    throw refuse("is corrupt at byte " + before + " (not a tar header)");
                }
                throw entry(raw, "has a bad header checksum");
            }
            collector.count(raw);
            if (++headers > MAX_HEADERS) {
                throw entry(raw, "is one header record too many before an entry (at most " + MAX_HEADERS + ")");
            }
            byte type = r[TarConstants.NAMELEN + 56];
            if (type == TarConstants.LF_PAX_EXTENDED_HEADER_LC || type == TarConstants.LF_PAX_GLOBAL_EXTENDED_HEADER) {
                long size = TarUtils.parseOctalOrBinary(r, 124, 12);
                if (size < 0 || size > DriverArchive.MAX_META_BYTES) {
                    throw entry(raw, "has a pax header larger than " + DriverArchive.MAX_META_BYTES + " bytes");
                }
                budget.pax = new ByteArrayOutputStream();
                budget.paxLeft = size;
                metaBytes += r.length + size;
            } else if (type == TarConstants.LF_GNUTYPE_LONGNAME || type == TarConstants.LF_GNUTYPE_LONGLINK) {
                metaBytes += r.length + Math.max(0, TarUtils.parseOctalOrBinary(r, 124, 12));
            } else {
                boolean ustar = r[257] == 'u' && r[258] == 's' && r[259] == 't' && r[260] == 'a' && r[261] == 'r';
                String full = ustar && !prefix.isEmpty() ? prefix + "/" + raw : raw;
                if (full.startsWith("/")) {
                    absoluteName = full;
                }
            }
            return r;
        }

        /** Whether the header's name field is non-empty UTF-8 text, worth naming in a message. */
        private static boolean readableName(byte[] r) {
            int end = 0;
            while (end < TarConstants.NAMELEN && r[end] != 0) {
                end++;
            }
            try {
                String name = StandardCharsets.UTF_8
                        .newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .decode(ByteBuffer.wrap(r, 0, end))
                        .toString();
                return !name.isEmpty() && name.chars().noneMatch(Character::isISOControl);
            } catch (CharacterCodingException e) {
                return false;
            }
        }

        @Override
        protected byte[] getLongNameData() throws IOException {
            boolean name = getCurrentEntry().isGNULongNameEntry();
            byte[] data = super.getLongNameData();
            if (name && data != null && data.length > 0 && data[0] == '/') {
                absoluteName = new String(data, StandardCharsets.UTF_8);
            }
            return data;
        }

        /** A pax "path" the library would apply without its leading '/' is refused as absolute. */
        private void checkPax() {
            if (budget.pax == null || budget.paxLeft > 0) {
                return;
            }
            byte[] data = budget.pax.toByteArray();
            budget.pax = null;
            for (String record : new String(data, StandardCharsets.UTF_8).split("\n")) {
                int space = record.indexOf(' ');
                int eq = record.indexOf('=');
                if (space > 0 && eq > space && record.substring(space + 1, eq).equals("path")) {
                    String value = record.substring(eq + 1);
                    if (value.startsWith("/")) {
                        absoluteName = value;
                    }
                }
            }
        }
    }
}
