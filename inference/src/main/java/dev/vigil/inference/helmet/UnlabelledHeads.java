package dev.vigil.inference.helmet;

import dev.vigil.config.Box;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Where a labelled folder's people have no head box: the top of each {@code person} box that holds
 * no labelled head. The head detector's training treats those regions as neither head nor
 * background, so that a worker whose head the labeller skipped does not teach it to miss heads.
 * Stateless.
 */
final class UnlabelledHeads {

  private UnlabelledHeads() {}

  /** Image file to the regions of its people whose head is not labelled; absent when none. */
  static Map<Path, List<Box>> of(List<VocImage> images) {
    Map<Path, List<Box>> out = new HashMap<>();
    for (VocImage image : images) {
      List<Box> regions = regions(image.people(), image.heads());
      if (!regions.isEmpty()) {
        out.put(image.image(), regions);
      }
    }
    return out;
  }

  /** The top of each body whose region holds no labelled head's centre. */
  static List<Box> regions(List<Box> bodies, List<LabelledHead> heads) {
    List<Box> out = new ArrayList<>();
    for (Box body : bodies) {
      Box top = HeadZone.of(body);
      boolean labelled = heads.stream().anyMatch(h -> top.holdsCentreOf(h.box()));
      if (!labelled) {
        out.add(top);
      }
    }
    return out;
  }
}
