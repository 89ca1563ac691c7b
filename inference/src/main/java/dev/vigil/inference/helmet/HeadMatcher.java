package dev.vigil.inference.helmet;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Matches predicted heads to labelled heads, greedily by score: predictions are taken from the most
 * to the least confident (ties by input order), and each takes the still unmatched label it
 * overlaps most, if that overlap reaches the IoU threshold. Stateless; thread-safe.
 */
public final class HeadMatcher {

  /** The IoU from which a prediction counts as finding a labelled head. */
  public static final double DEFAULT_MIN_IOU = 0.3;

  /**
   * One matched pair.
   *
   * @param prediction index into the predictions
   * @param truth index into the labelled heads
   * @param iou their intersection over union
   */
  public record Match(int prediction, int truth, double iou) {}

  private HeadMatcher() {}

  /** Matches with {@link #DEFAULT_MIN_IOU}. */
  public static List<Match> match(List<HeadPrediction> predictions, List<LabelledHead> truths) {
    return match(predictions, truths, DEFAULT_MIN_IOU);
  }

  /** The matched pairs, in the order they were made (most confident prediction first). */
  public static List<Match> match(
      List<HeadPrediction> predictions, List<LabelledHead> truths, double minIou) {
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < predictions.size(); i++) {
      order.add(i);
    }
    order.sort(
        Comparator.comparingDouble((Integer i) -> -predictions.get(i).score())
            .thenComparingInt(i -> i));
    boolean[] taken = new boolean[truths.size()];
    List<Match> matches = new ArrayList<>();
    for (int p : order) {
      int best = -1;
      double bestIou = minIou;
      for (int t = 0; t < truths.size(); t++) {
        if (taken[t]) {
          continue;
        }
        double iou = predictions.get(p).box().iou(truths.get(t).box());
        if (iou >= bestIou && (best < 0 || iou > bestIou)) {
          best = t;
          bestIou = iou;
        }
      }
      if (best >= 0) {
        taken[best] = true;
        matches.add(new Match(p, best, bestIou));
      }
    }
    return List.copyOf(matches);
  }
}
