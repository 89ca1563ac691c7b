package dev.vigil.inference.helmet;

import dev.vigil.config.Box;
import java.util.Objects;

/**
 * One head as perception predicts it.
 *
 * @param box the head box, normalised to the image
 * @param score confidence 0..1, used to order greedy matching
 * @param helmet true, false, or null when perception could not judge
 */
public record HeadPrediction(Box box, double score, Boolean helmet) {
  public HeadPrediction {
    Objects.requireNonNull(box, "box");
  }
}
