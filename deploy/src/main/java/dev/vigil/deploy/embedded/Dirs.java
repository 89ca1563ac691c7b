package dev.vigil.deploy.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Removes the brokers' temporary folders. Stateless and thread-safe. */
final class Dirs {
  private static final Logger LOG = LoggerFactory.getLogger(Dirs.class);

  private Dirs() {}

  /** Deletes {@code dir} and everything in it; a failure is logged, as it only leaks disk. */
  static void deleteRecursively(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    } catch (IOException | UncheckedIOException e) {
      LOG.warn("Could not delete {}: {}", dir, e.getMessage());
    }
  }
}
