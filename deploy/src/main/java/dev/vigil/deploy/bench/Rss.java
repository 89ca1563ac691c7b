package dev.vigil.deploy.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Resident set size of this process, from {@code /proc/self/status} (Linux only). */
final class Rss {
  private Rss() {}

  /** Current resident set size in MiB, or NaN when {@code /proc} is unavailable. */
  static double currentMb() {
    return field("VmRSS:");
  }

  /** Peak resident set size in MiB, or NaN when {@code /proc} is unavailable. */
  static double peakMb() {
    return field("VmHWM:");
  }

  private static double field(String name) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith(name)) {
          String[] parts = line.substring(name.length()).trim().split("\\s+");
          return Long.parseLong(parts[0]) / 1024.0;
        }
      }
    } catch (IOException | RuntimeException e) {
      return Double.NaN;
    }
    return Double.NaN;
  }
}
