package dev.vigil.inference.helmet;

import java.util.List;
import java.util.Locale;

/**
 * Helmet judgement by head size: for the matched heads of each size band (long side of the labelled
 * box, in pixels of the image), how many were judged at all and how many of those judgements were
 * right. This is what a minimum judged head size is chosen from. Not thread-safe.
 */
public final class SizeBreakdown {

  /** Lower edges of the size bands in pixels; the last band is open. */
  public static final int[] EDGES = {0, 8, 10, 12, 14, 16, 20, 24, 32, 48};

  private final long[] matched = new long[EDGES.length];
  private final long[] judged = new long[EDGES.length];
  private final long[] right = new long[EDGES.length];

  /** Adds one image's predictions against its labels. */
  public void add(
      List<HeadPrediction> predictions, List<LabelledHead> truths, int width, int height) {
    for (HeadMatcher.Match m : HeadMatcher.match(predictions, truths)) {
      LabelledHead truth = truths.get(m.truth());
      double side = truth.box().longSidePx(width, height);
      int band = 0;
      while (band + 1 < EDGES.length && side >= EDGES[band + 1]) {
        band++;
      }
      matched[band]++;
      Boolean said = predictions.get(m.prediction()).helmet();
      if (said != null) {
        judged[band]++;
        if (said == truth.helmet()) {
          right[band]++;
        }
      }
    }
  }

  /** One line per size band: matched heads, share judged, accuracy of the judged ones. */
  public String toText() {
    StringBuilder s = new StringBuilder("head px   matched  judged  accuracy of judged\n");
    for (int b = 0; b < EDGES.length; b++) {
      String band = b + 1 < EDGES.length ? EDGES[b] + "-" + (EDGES[b + 1] - 1) : EDGES[b] + "+";
      s.append(
          String.format(
              Locale.ROOT,
              "%-9s %7d  %6s  %s%n",
              band,
              matched[b],
              matched[b] == 0
                  ? "-"
                  : String.format(Locale.ROOT, "%.3f", (double) judged[b] / matched[b]),
              judged[b] == 0
                  ? "-"
                  : String.format(Locale.ROOT, "%.3f", (double) right[b] / judged[b])));
    }
    return s.toString();
  }
}
