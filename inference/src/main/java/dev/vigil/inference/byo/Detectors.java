package dev.vigil.inference.byo;

import dev.vigil.config.SiteConfig;
import dev.vigil.inference.FrameAnalyzer;
import java.util.function.Supplier;

/** Picks the frame analyzer the site configuration asks for. Stateless and thread-safe. */
public final class Detectors {
  private Detectors() {}

  /**
   * Opens the site's own detector when {@code model.detector} is configured, else the built-in
   * analyzer from {@code builtIn}. The caller owns and closes what is returned.
   *
   * @param model the model section of the site configuration; null means the built-in analyzer
   * @param builtIn opens the built-in analyzer; only called when no detector is configured
   * @throws dev.vigil.config.SiteConfigException when the configured SavedModel folder or its
   *     {@code saved_model.pb} is missing
   * @throws dev.vigil.inference.InferenceException when the SavedModel cannot be loaded or lacks
   *     the Object Detection API outputs
   */
  public static FrameAnalyzer open(
      SiteConfig.Model model, Supplier<? extends FrameAnalyzer> builtIn) {
    if (model != null && model.detector() != null) {
      return SavedModelDetector.open(model.detector(), model.intraOpThreads());
    }
    return builtIn.get();
  }
}
