package net.lorawanns.bench.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Files of /proc and /sys, which the generator reads where they exist and reports as absent otherwise. */
final class KernelFiles {
    private KernelFiles() {
    }

    /** The file's text, or "" where it does not exist or cannot be read. */
    static String readOrEmpty(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException | SecurityException e) {
            return "";
        }
    }
}
