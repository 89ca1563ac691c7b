package dev.vigil.deploy.video;

import dev.vigil.config.Box;
import dev.vigil.config.HelmetCounts;
import dev.vigil.config.Person;
import dev.vigil.inference.FrameAnalysis;

/**
 * What perception found in one sampled frame of a clip: people, and their heads by judgement.
 *
 * @param seconds the frame's time from the clip's first frame
 * @param people people found
 * @param helmet heads judged to wear a hard hat
 * @param noHelmet heads judged bare
 * @param unknown heads found but not judged
 * @param heads16 heads of at least {@link #LARGE_HEAD_PX} pixels (long side)
 * @param judged16 of those, the ones judged either way
 */
public record FrameCount(
    double seconds, int people, int helmet, int noHelmet, int unknown, int heads16, int judged16) {

  /** The head size (long side, pixels) from which the issue expects most heads to be judged. */
  public static final int LARGE_HEAD_PX = 16;

  /** Counts one frame's analysis. */
  public static FrameCount of(double seconds, FrameAnalysis analysis) {
    // Heads found: a person without one was never a candidate for a judgement.
    HelmetCounts heads =
        HelmetCounts.of(analysis.people().stream().filter(p -> p.head() != null).toList());
    int heads16 = 0;
    int judged16 = 0;
    for (Person p : analysis.people()) {
      Box h = p.head();
      if (h == null) {
        continue;
      }
      double side = h.longSidePx(analysis.width(), analysis.height());
      if (side >= LARGE_HEAD_PX) {
        heads16++;
        if (p.helmet() != null) {
          judged16++;
        }
      }
    }
    return new FrameCount(
        seconds,
        analysis.people().size(),
        heads.helmet(),
        heads.noHelmet(),
        heads.unknown(),
        heads16,
        judged16);
  }

  /** Heads found, judged or not. */
  public int heads() {
    return helmet + noHelmet + unknown;
  }

  /** Heads judged either way. */
  public int judged() {
    return helmet + noHelmet;
  }
}
