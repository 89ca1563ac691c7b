package dev.vigil.inference.helmet;

import dev.vigil.config.Box;
import java.util.Objects;

/**
 * One labelled head in a dataset image.
 *
 * @param box the head (or helmet) box, normalised to the image
 * @param helmet true for a {@code helmet} label, false for a {@code head} label
 */
public record LabelledHead(Box box, boolean helmet) {
  public LabelledHead {
    Objects.requireNonNull(box, "box");
  }
}
