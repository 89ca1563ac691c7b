package dev.vigil.deploy.video;

import java.util.List;

/**
 * Sums of how a clip's helmet judgements compare with its truth; sums so clips pool by adding.
 *
 * <p>With a {@code helmet_share} s, the truth of the heads perception judged is s helmets per head:
 * helmets called beyond s of the judged heads are false helmets, out of the (1 - s) judged heads
 * that are bare; helmet recall is the share of the s judged heads that were called helmet. The
 * count errors compare each frame's counts with s (helmet) and 1 - s (no helmet) of the heads found
 * there, so an unknown head counts as an error of the "without a helmet" answer. With per-frame
 * counts, each truth row is scored against the sampled frame nearest its time: false helmets are
 * helmets called beyond the truth (at most its bare heads), out of its bare heads.
 *
 * @param falseHelmets heads called helmet that are bare
 * @param bareHeads bare heads they are counted out of
 * @param helmetsFound helmeted heads called helmet
 * @param helmetHeads helmeted heads they are counted out of
 * @param helmetErrors sum over frames of |called helmet - true helmet|
 * @param noHelmetErrors sum over frames of |called no helmet - true no helmet|
 * @param frames frames scored
 */
public record TruthScore(
    double falseHelmets,
    double bareHeads,
    double helmetsFound,
    double helmetHeads,
    double helmetErrors,
    double noHelmetErrors,
    int frames) {

  static final TruthScore ZERO = new TruthScore(0, 0, 0, 0, 0, 0, 0);

  /** Scores a clip against its truth; null without truth. */
  static TruthScore of(ClipResult clip, VideoTruth.Clip truth, double fps) {
    if (truth == null) {
      return null;
    }
    if (truth.helmetShare() != null) {
      return ofShare(clip.frames(), truth.helmetShare());
    }
    return ofCounts(clip.frames(), truth.frames(), fps);
  }

  private static TruthScore ofShare(List<FrameCount> frames, double s) {
    double judged = 0;
    double helmet = 0;
    double helmetErrors = 0;
    double noHelmetErrors = 0;
    for (FrameCount f : frames) {
      judged += f.judged();
      helmet += f.helmet();
      helmetErrors += Math.abs(f.helmet() - s * f.heads());
      noHelmetErrors += Math.abs(f.noHelmet() - (1 - s) * f.heads());
    }
    double helmetHeads = s * judged;
    return new TruthScore(
        Math.max(0, helmet - helmetHeads),
        (1 - s) * judged,
        Math.min(helmet, helmetHeads),
        helmetHeads,
        helmetErrors,
        noHelmetErrors,
        frames.size());
  }

  private static TruthScore ofCounts(
      List<FrameCount> frames, List<VideoTruth.FrameCounts> truth, double fps) {
    TruthScore sum = ZERO;
    double tolerance = fps > 0 ? 0.5 / fps : 0.5;
    for (VideoTruth.FrameCounts t : truth) {
      FrameCount nearest = null;
      for (FrameCount f : frames) {
        if (nearest == null
            || Math.abs(f.seconds() - t.seconds()) < Math.abs(nearest.seconds() - t.seconds())) {
          nearest = f;
        }
      }
      if (nearest == null || Math.abs(nearest.seconds() - t.seconds()) > tolerance) {
        continue;
      }
      sum =
          sum.plus(
              new TruthScore(
                  Math.min(t.noHelmet(), Math.max(0, nearest.helmet() - t.helmet())),
                  t.noHelmet(),
                  Math.min(nearest.helmet(), t.helmet()),
                  t.helmet(),
                  Math.abs(nearest.helmet() - t.helmet()),
                  Math.abs(nearest.noHelmet() - t.noHelmet()),
                  1));
    }
    return sum;
  }

  TruthScore plus(TruthScore o) {
    return new TruthScore(
        falseHelmets + o.falseHelmets,
        bareHeads + o.bareHeads,
        helmetsFound + o.helmetsFound,
        helmetHeads + o.helmetHeads,
        helmetErrors + o.helmetErrors,
        noHelmetErrors + o.noHelmetErrors,
        frames + o.frames);
  }

  /** Share of bare heads called helmet, or null when there were none. */
  public Double falseHelmetRate() {
    return bareHeads > 0 ? falseHelmets / bareHeads : null;
  }

  /** Share of helmeted heads called helmet, or null when there were none. */
  public Double helmetRecall() {
    return helmetHeads > 0 ? helmetsFound / helmetHeads : null;
  }

  /** Mean per-frame error of the helmet count, or null without scored frames. */
  public Double countMaeHelmet() {
    return frames > 0 ? helmetErrors / frames : null;
  }

  /** Mean per-frame error of the no-helmet count, or null without scored frames. */
  public Double countMaeNoHelmet() {
    return frames > 0 ? noHelmetErrors / frames : null;
  }
}
