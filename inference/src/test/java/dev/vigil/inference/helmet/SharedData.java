package dev.vigil.inference.helmet;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/** Locates {@code ../shared/data} for tests, skipping them with a clear message when absent. */
final class SharedData {

  private SharedData() {}

  /** The shared data folder, or a skipped test. */
  static Path root() {
    String prop = System.getProperty("vigil.shared.data");
    assumeTrue(
        prop != null && Files.isDirectory(Path.of(prop)),
        "Skipped: the shared test data is absent (system property vigil.shared.data="
            + prop
            + "); put the data at ../shared/data beside the repository");
    return Path.of(prop);
  }

  /** The {@code hardhat/} VOC folder, or a skipped test. */
  static Path hardhat() {
    Path p = root().resolve("hardhat");
    assumeTrue(Files.isDirectory(p.resolve("annotations")), "Skipped: " + p + " is absent");
    return p;
  }
}
