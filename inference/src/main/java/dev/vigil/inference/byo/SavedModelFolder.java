package dev.vigil.inference.byo;

import dev.vigil.config.SiteConfig;
import dev.vigil.config.SiteConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Whether the folder that {@code model.detector.saved_model} names holds a SavedModel: a check only
 * the processor needs (the agent and alerts share the site file but load no model), so it lives
 * beside the detector rather than in the site loader.
 */
public final class SavedModelFolder {
  private SavedModelFolder() {}

  /**
   * Returns {@code config} when its {@code model.detector}, if any, names a folder that holds a
   * SavedModel.
   *
   * @param fileName the config file's name, for the message
   * @throws SiteConfigException when the folder or its {@code saved_model.pb} is missing
   */
  public static SiteConfig require(SiteConfig config, String fileName) {
    SiteConfig.Detector d = config.model() == null ? null : config.model().detector();
    if (d != null) {
      String problem = problem(d);
      if (problem != null) {
        throw new SiteConfigException(List.of(fileName + ": " + problem));
      }
    }
    return config;
  }

  /**
   * What is wrong with the SavedModel folder of {@code detector}, as {@code
   * model.detector.saved_model: <what>. <fix>}; null when it holds a {@code saved_model.pb}.
   */
  public static String problem(SiteConfig.Detector detector) {
    String path = "model.detector.saved_model: ";
    Path dir = Path.of(detector.savedModel());
    String where = dir.toAbsolutePath().normalize().toString();
    if (!Files.exists(dir)) {
      return path
          + "no such folder "
          + where
          + ". Copy the exported SavedModel there, or fix the path.";
    }
    if (!Files.isDirectory(dir)) {
      return path
          + where
          + " is a file, not a folder. Give the folder that holds saved_model.pb and variables/.";
    }
    if (!Files.isRegularFile(dir.resolve("saved_model.pb"))) {
      String hint =
          Files.isRegularFile(dir.resolve("saved_model").resolve("saved_model.pb"))
              ? "Did you mean " + dir.resolve("saved_model") + "? "
              : "";
      return path
          + where
          + " holds no saved_model.pb. "
          + hint
          + "Give the folder that tf.saved_model.save (or the Object Detection API's"
          + " exporter_main_v2.py, in its saved_model/ subfolder) wrote: it holds saved_model.pb"
          + " and variables/.";
    }
    return null;
  }
}
