package dev.vigil.inference.helmet;

import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imread;

import dev.vigil.inference.InferenceException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Chooses the helmet {@link AbstentionBand} on the tune split of a helmet training run ({@link
 * TrainingSets#tuneOf}): the labelled tune heads as they are, the tune clips of the bare-people
 * folder (ceiling cameras) as they are, and every tune head again through seeded camera degradation
 * ({@link CctvAugment}: shrunk to 8-20 px, blur, JPEG, colour), so the band holds for heads as
 * fixed cameras see them. Never looks at test images or test clips. {@code vigil eval
 * --choose-band} runs it.
 */
public final class BandTuning {

  /**
   * At most this share of the judged bare heads called helmet, in every tune group: the issue's
   * bar, and the costly error (a false helmet hides a violation).
   */
  public static final double MAX_FALSE_HELMET = 0.05;

  /**
   * At most this share of the judged helmets called bare, in every tune group: looser, since a
   * false "no helmet" raises an alert that someone looks at rather than hiding one.
   */
  public static final double MAX_FALSE_BARE = 0.10;

  /** Degraded copies of each tune head. */
  static final int COPIES = 3;

  private BandTuning() {}

  /**
   * The tune heads by group, each with the classifier's probability: {@code labelled} (the main and
   * extra folders' tune heads), {@code bare-people} (the bare-people tune clips) and {@code
   * camera-degraded} (all of them, {@link #COPIES} seeded degradations each).
   */
  public static Map<String, List<AbstentionBand.Scored>> score(
      TrainingSets tune, List<Path> barePeople, HelmetClassifier classifier, long seed) {
    Map<String, List<AbstentionBand.Scored>> groups = new LinkedHashMap<>();
    groups.put("labelled", new ArrayList<>());
    groups.put("bare-people", new ArrayList<>());
    groups.put("camera-degraded", new ArrayList<>());
    Random random = new Random(seed);
    int s = classifier.inputSize();
    int per = s * s * 3;
    for (VocImage image : tune.tune()) {
      if (image.heads().isEmpty()) {
        continue;
      }
      boolean bare = barePeople.stream().anyMatch(d -> image.image().startsWith(d));
      int n = image.heads().size();
      float[] clean = new float[n * per];
      float[] degraded = new float[n * COPIES * per];
      try (Mat bgr = imread(image.image().toString(), IMREAD_COLOR)) {
        if (bgr == null || bgr.empty()) {
          throw new InferenceException("Cannot decode " + image.image());
        }
        for (int i = 0; i < n; i++) {
          HeadCrop.extract(bgr, image.heads().get(i).box(), classifier.margin(), s, clean, i * per);
          for (int c = 0; c < COPIES; c++) {
            int off = (i * COPIES + c) * per;
            System.arraycopy(clean, i * per, degraded, off, per);
            CctvAugment.degrade(degraded, off, s, classifier.margin(), random);
          }
        }
      }
      float[] p = classifier.predictCrops(clean, n);
      float[] q = classifier.predictCrops(degraded, n * COPIES);
      for (int i = 0; i < n; i++) {
        boolean helmet = image.heads().get(i).helmet();
        groups.get(bare ? "bare-people" : "labelled").add(new AbstentionBand.Scored(p[i], helmet));
        for (int c = 0; c < COPIES; c++) {
          groups.get("camera-degraded").add(new AbstentionBand.Scored(q[i * COPIES + c], helmet));
        }
      }
    }
    return groups;
  }

  /**
   * Scores the tune heads, prints the figures of the 0.5 cut, the current band and the chosen one
   * per group, and returns the chosen band.
   */
  public static AbstentionBand run(
      TrainingSets tune, List<Path> barePeople, HelmetClassifier classifier, PrintStream out) {
    Map<String, List<AbstentionBand.Scored>> groups = score(tune, barePeople, classifier, 1);
    AbstentionBand current =
        new AbstentionBand(HelmetClassifier.NO_HELMET_BELOW, HelmetClassifier.HELMET_FROM);
    AbstentionBand symmetric = AbstentionBand.choose(groups, MAX_FALSE_HELMET);
    AbstentionBand chosen = AbstentionBand.choose(groups, MAX_FALSE_HELMET, MAX_FALSE_BARE);
    for (AbstentionBand band : List.of(new AbstentionBand(0.5, 0.5), current, symmetric, chosen)) {
      out.printf(Locale.ROOT, "band %.2f-%.2f%n", band.noHelmetBelow(), band.helmetFrom());
      groups.forEach(
          (name, heads) -> out.printf("  %-16s %s%n", name, band.figures(heads).toText()));
    }
    out.printf(
        Locale.ROOT,
        "symmetric (at most %.2f wrong each way): %.2f-%.2f; chosen (in every group at most"
            + " %.2f of the judged bare heads called helmet and %.2f of the judged helmets called"
            + " bare, most judged): %.2f-%.2f%n",
        MAX_FALSE_HELMET,
        symmetric.noHelmetBelow(),
        symmetric.helmetFrom(),
        MAX_FALSE_HELMET,
        MAX_FALSE_BARE,
        chosen.noHelmetBelow(),
        chosen.helmetFrom());
    return chosen;
  }
}
