package dev.vigil.inference.helmet;

import dev.vigil.inference.model.CachedModel;
import dev.vigil.inference.model.ModelStore;
import dev.vigil.inference.vision.PersonPerception;

/** Opens full perception for tests, skipping them when the person model is not cached. */
final class Perception {

  private Perception() {}

  static ModelStore store() {
    CachedModel.tarball();
    return new ModelStore();
  }

  /** MoveNet plus the committed helmet classifier. */
  static PersonPerception full() {
    return PersonPerception.open(store(), 2);
  }
}
