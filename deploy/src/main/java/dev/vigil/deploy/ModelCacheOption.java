package dev.vigil.deploy;

import dev.vigil.inference.model.ModelStore;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * {@code --model-cache}: where the person model is cached, for every command that runs it outside a
 * site (eval, train helmet, train heads).
 */
final class ModelCacheOption {
  @Option(
      names = "--model-cache",
      paramLabel = "DIR",
      description = "Folder of the cached person model (default: $VIGIL_MODEL_CACHE or ~/.cache).")
  Path modelCache;

  /** The model store of this folder, or of the default one. */
  ModelStore store() {
    return modelCache == null ? new ModelStore() : new ModelStore(modelCache);
  }
}
