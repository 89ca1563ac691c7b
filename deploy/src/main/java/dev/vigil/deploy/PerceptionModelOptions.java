package dev.vigil.deploy;

import dev.vigil.inference.InferenceException;
import dev.vigil.inference.helmet.HeadDetector;
import dev.vigil.inference.model.ModelStore;
import java.nio.file.Path;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code --head-detector} and {@code --model-cache}: which head detector and which person-model
 * cache a command runs perception with, shared by {@code vigil eval} and {@code vigil train
 * helmet}.
 */
final class PerceptionModelOptions {
  @Option(
      names = "--head-detector",
      paramLabel = "DIR|builtin|none",
      defaultValue = "builtin",
      description =
          "Head detector weights from `vigil train heads`, `builtin`, or `none`: eval then finds"
              + " heads from body keypoints only, train helmet trains on the labelled boxes only"
              + " (default ${DEFAULT-VALUE}).")
  String headDetector;

  @Mixin ModelCacheOption cache;

  /**
   * The chosen head detector, or null for {@code none}.
   *
   * @throws VigilCli.UsageException when the folder holds no readable detector weights
   */
  HeadDetector headDetector() {
    return switch (headDetector) {
      case "none" -> null;
      case "builtin" -> HeadDetector.bundled();
      default -> {
        try {
          yield HeadDetector.read(Path.of(headDetector));
        } catch (InferenceException e) {
          throw new VigilCli.UsageException(
              "--head-detector " + headDetector + ": " + e.getMessage());
        }
      }
    };
  }

  ModelStore store() {
    return cache.store();
  }
}
