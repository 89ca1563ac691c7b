package dev.vigil.inference.helmet;

import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imread;

import dev.vigil.config.Box;
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
 * Chooses the helmet {@link AbstentionBand}s on the tune split of a helmet training run ({@link
 * TrainingSets#tuneOf}): the labelled tune heads as they are, the tune clips of the bare-people
 * folder (ceiling cameras) as they are, and every tune head again through seeded camera degradation
 * ({@link CctvAugment}: shrunk to 8-20 px, blur, JPEG, colour), so the bands hold for heads as
 * fixed cameras see them. One band serves small and degraded heads, another large ones, which the
 * classifier sees clearly. Never looks at test images or test clips. {@code vigil eval
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

  /** The head sizes tried as the cut between small and large heads, in frame pixels. */
  static final List<Integer> CUTS = List.of(24, 32, 48, 64);

  private BandTuning() {}

  /**
   * One tune head: its probability and truth, its group ({@code labelled}, {@code bare-people} or
   * {@code camera-degraded}) and the long side of its box in frame pixels (0 for a degraded copy,
   * which counts as small whatever its box: the camera has shrunk it).
   */
  public record TuneHead(AbstentionBand.Scored scored, String group, double px) {}

  /**
   * The tune heads, each with the classifier's probability: {@code labelled} (the main and extra
   * folders' tune heads), {@code bare-people} (the bare-people tune clips) and {@code
   * camera-degraded} (all of them, {@link #COPIES} seeded degradations each).
   */
  public static List<TuneHead> score(
      TrainingSets tune, List<Path> barePeople, HelmetClassifier classifier, long seed) {
    List<TuneHead> heads = new ArrayList<>();
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
      double[] px = new double[n];
      try (Mat bgr = imread(image.image().toString(), IMREAD_COLOR)) {
        if (bgr == null || bgr.empty()) {
          throw new InferenceException("Cannot decode " + image.image());
        }
        for (int i = 0; i < n; i++) {
          Box box = image.heads().get(i).box();
          px[i] = box.longSidePx(bgr.cols(), bgr.rows());
          HeadCrop.extract(bgr, box, classifier.margin(), s, clean, i * per);
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
        String group = bare ? "bare-people" : "labelled";
        heads.add(new TuneHead(new AbstentionBand.Scored(p[i], helmet), group, px[i]));
        for (int c = 0; c < COPIES; c++) {
          var copy = new AbstentionBand.Scored(q[i * COPIES + c], helmet);
          heads.add(new TuneHead(copy, "camera-degraded", 0));
        }
      }
    }
    return heads;
  }

  /** The heads below ({@code large} false) or from ({@code large} true) a cut, by group. */
  static Map<String, List<AbstentionBand.Scored>> groups(
      List<TuneHead> heads, int cut, boolean large) {
    Map<String, List<AbstentionBand.Scored>> groups = new LinkedHashMap<>();
    for (TuneHead h : heads) {
      if ((h.px() >= cut) == large) {
        groups.computeIfAbsent(h.group(), g -> new ArrayList<>()).add(h.scored());
      }
    }
    return groups;
  }

  /**
   * For each of {@link #CUTS}, the band {@link AbstentionBand#choose} picks for the heads on each
   * side of it (limits {@link #MAX_FALSE_HELMET} and {@link #MAX_FALSE_BARE} in every group); of
   * those, the cut whose two bands judge the most tune heads in total.
   */
  static SizedBands choose(List<TuneHead> heads) {
    SizedBands best = null;
    long bestJudged = -1;
    for (int cut : CUTS) {
      var small = groups(heads, cut, false);
      var large = groups(heads, cut, true);
      AbstentionBand smallBand = AbstentionBand.choose(small, MAX_FALSE_HELMET, MAX_FALSE_BARE);
      AbstentionBand largeBand = AbstentionBand.choose(large, MAX_FALSE_HELMET, MAX_FALSE_BARE);
      // A side with no tune heads has nothing to choose on: it takes the other side's band.
      var bands =
          new SizedBands(
              cut,
              small.isEmpty() ? largeBand : smallBand,
              large.isEmpty() ? smallBand : largeBand);
      long judged = judged(bands.small(), small) + judged(bands.large(), large);
      if (judged > bestJudged) {
        best = bands;
        bestJudged = judged;
      }
    }
    return best;
  }

  private static long judged(AbstentionBand band, Map<String, List<AbstentionBand.Scored>> groups) {
    return groups.values().stream().mapToLong(g -> band.figures(g).judgedHeads()).sum();
  }

  /**
   * Scores the tune heads, chooses the cut and the two bands, prints each side's figures under the
   * shipped bands and the chosen ones, and returns the choice.
   */
  public static SizedBands run(
      TrainingSets tune, List<Path> barePeople, HelmetClassifier classifier, PrintStream out) {
    List<TuneHead> heads = score(tune, barePeople, classifier, 1);
    SizedBands chosen = choose(heads);
    SizedBands shipped = HelmetClassifier.BANDS;
    for (SizedBands bands : List.of(shipped, chosen)) {
      out.printf(
          Locale.ROOT,
          "%s: heads under %d px (and degraded) %s, from %d px %s%n",
          bands == chosen ? "chosen" : "shipped",
          bands.cut(),
          text(bands.small()),
          bands.cut(),
          text(bands.large()));
      print(out, "  under", bands.small(), groups(heads, bands.cut(), false));
      print(out, "  from ", bands.large(), groups(heads, bands.cut(), true));
    }
    out.printf(
        Locale.ROOT,
        "chosen (in every group at most %.2f of the judged bare heads called helmet and %.2f of the"
            + " judged helmets called bare, most judged; cut of %s px): %d px, %s and %s%n",
        MAX_FALSE_HELMET,
        MAX_FALSE_BARE,
        CUTS,
        chosen.cut(),
        text(chosen.small()),
        text(chosen.large()));
    return chosen;
  }

  private static String text(AbstentionBand band) {
    return String.format(Locale.ROOT, "%.2f-%.2f", band.noHelmetBelow(), band.helmetFrom());
  }

  private static void print(
      PrintStream out,
      String side,
      AbstentionBand band,
      Map<String, List<AbstentionBand.Scored>> groups) {
    groups.forEach(
        (name, heads) -> out.printf("%s %-16s %s%n", side, name, band.figures(heads).toText()));
  }
}
