package net.lorawanns.deploy.image;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * Reads a tar stream as POSIX.1-2001 (pax) and ustar define it, which is what Jib and the container engines write:
 * 512-byte headers, contents padded to 512 bytes, pax extended headers ('x') for long names, two zero blocks at the
 * end. GNU long names ('L') are read too; global pax headers ('g') are skipped.
 */
final class TarReader {
    private static final int BLOCK = 512;

    enum Type { FILE, DIRECTORY, SYMLINK, HARDLINK, OTHER }

    /** One entry; {@code content} may be read (up to its size) only inside the callback. */
    record Entry(String name, Type type, int mode, long size, String linkTarget, InputStream content) {
    }

    interface Visitor {
        void visit(Entry entry) throws IOException;
    }

    private TarReader() {
    }

    static void read(InputStream in, Visitor visitor) throws IOException {
        byte[] header = new byte[BLOCK];
        Map<String, String> pax = new HashMap<>();
        String longName = null;
        while (true) {
            if (in.readNBytes(header, 0, BLOCK) < BLOCK) {
                throw new EOFException("the tar ends without its end blocks");
            }
            if (isZero(header)) {
                return;
            }
            String name = string(header, 0, 100);
            String prefix = string(header, 345, 155);
            if (!prefix.isEmpty()) {
                name = prefix + "/" + name;
            }
            int mode = (int) octal(header, 100, 8);
            long size = octal(header, 124, 12);
            char flag = (char) header[156];
            String link = string(header, 157, 100);
            if (flag == 'x' || flag == 'g' || flag == 'L') {
                byte[] data = in.readNBytes((int) size);
                in.skipNBytes(padding(size));
                if (flag == 'x') {
                    pax.putAll(paxRecords(data));
                } else if (flag == 'L') {
                    longName = new String(data, StandardCharsets.UTF_8).replace("\0", "");
                }
                continue;
            }
            if (longName != null) {
                name = longName;
                longName = null;
            }
            name = pax.getOrDefault("path", name);
            link = pax.getOrDefault("linkpath", link);
            if (pax.containsKey("size")) {
                size = Long.parseLong(pax.get("size"));
            }
            pax.clear();
            Type type = switch (flag) {
                case '0', '\0', '7' -> Type.FILE;
                case '5' -> Type.DIRECTORY;
                case '2' -> Type.SYMLINK;
                case '1' -> Type.HARDLINK;
                default -> Type.OTHER;
            };
            BoundedInputStream content = new BoundedInputStream(in, type == Type.FILE ? size : 0);
            visitor.visit(new Entry(name, type, mode, size, link, content));
            content.skipRest();
            if (type == Type.FILE) {
                in.skipNBytes(padding(size));
            }
        }
    }

    private static Map<String, String> paxRecords(byte[] data) {
        // Each record is "<length> <key>=<value>\n", the length counting the whole record in bytes.
        Map<String, String> records = new HashMap<>();
        int at = 0;
        while (at < data.length) {
            int space = at;
            while (data[space] != ' ') {
                space++;
            }
            int length = Integer.parseInt(new String(data, at, space - at, StandardCharsets.US_ASCII));
            String record = new String(data, space + 1, at + length - space - 2, StandardCharsets.UTF_8);
            int equals = record.indexOf('=');
            records.put(record.substring(0, equals), record.substring(equals + 1));
            at += length;
        }
        return records;
    }

    private static long padding(long size) {
        return (BLOCK - size % BLOCK) % BLOCK;
    }

    private static boolean isZero(byte[] block) {
        for (byte b : block) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }

    private static String string(byte[] header, int offset, int length) {
        int end = offset;
        while (end < offset + length && header[end] != 0) {
            end++;
        }
        return new String(header, offset, end - offset, StandardCharsets.UTF_8);
    }

    private static long octal(byte[] header, int offset, int length) {
        String digits = string(header, offset, length).trim();
        return digits.isEmpty() ? 0 : Long.parseLong(digits, 8);
    }

    /** The content of one entry: at most its size, and the rest skipped before the next header. */
    private static final class BoundedInputStream extends InputStream {
        private final InputStream in;
        private long left;

        BoundedInputStream(InputStream in, long size) {
            this.in = in;
            this.left = size;
        }

        @Override
        public int read() throws IOException {
            if (left == 0) {
                return -1;
            }
            int b = in.read();
            if (b >= 0) {
                left--;
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            if (left == 0) {
                return -1;
            }
            int n = in.read(buffer, offset, (int) Math.min(length, left));
            if (n > 0) {
                left -= n;
            }
            return n;
        }

        void skipRest() throws IOException {
            in.skipNBytes(left);
            left = 0;
        }
    }
}
