package dev.vigil.inference.helmet;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The band of helmet probabilities that is too close to call: below {@code noHelmetBelow} a head is
 * judged bare, from {@code helmetFrom} up it wears a hard hat, in between it is unknown. {@link
 * #choose} picks the widest-judging band whose errors stay within a limit in every group of tune
 * heads, so abstention is chosen on data the test figures never see. Immutable.
 */
public record AbstentionBand(double noHelmetBelow, double helmetFrom) {

  /** Grid the band's edges are chosen on. */
  static final double STEP = 0.01;

  public AbstentionBand {
    if (!(noHelmetBelow > 0 && noHelmetBelow <= helmetFrom && helmetFrom < 1)) {
      throw new IllegalArgumentException(
          "Bad abstention band " + noHelmetBelow + "-" + helmetFrom + ": need 0 < low <= high < 1");
    }
  }

  /** One tune head: the calibrated probability and whether it wears a hard hat. */
  public record Scored(double probability, boolean helmet) {}

  /**
   * How a band does on one group of heads.
   *
   * @param falseHelmet share of the judged bare heads called helmet
   * @param falseBare share of the judged helmets called bare
   * @param judged share of the group's heads that got a judgement
   */
  public record GroupFigures(int heads, double falseHelmet, double falseBare, double judged) {
    /** How many of the group's heads got a judgement. */
    public long judgedHeads() {
      return Math.round(judged * heads);
    }

    public String toText() {
      return String.format(
          Locale.ROOT,
          "%d heads, false helmet %.3f, false bare %.3f, judged %.3f",
          heads,
          falseHelmet,
          falseBare,
          judged);
    }
  }

  /** True from {@link #helmetFrom}, false below {@link #noHelmetBelow}, null (unknown) between. */
  public Boolean decide(double probability) {
    if (probability >= helmetFrom) {
      return Boolean.TRUE;
    }
    if (probability < noHelmetBelow) {
      return Boolean.FALSE;
    }
    return null;
  }

  /** This band's figures on one group of heads. */
  public GroupFigures figures(List<Scored> heads) {
    int bareJudged = 0;
    int falseHelmet = 0;
    int helmetJudged = 0;
    int falseBare = 0;
    for (Scored h : heads) {
      Boolean said = decide(h.probability());
      if (said == null) {
        continue;
      }
      if (h.helmet()) {
        helmetJudged++;
        falseBare += said ? 0 : 1;
      } else {
        bareJudged++;
        falseHelmet += said ? 1 : 0;
      }
    }
    return new GroupFigures(
        heads.size(),
        bareJudged == 0 ? 0 : (double) falseHelmet / bareJudged,
        helmetJudged == 0 ? 0 : (double) falseBare / helmetJudged,
        heads.isEmpty() ? 0 : (double) (bareJudged + helmetJudged) / heads.size());
  }

  /** {@link #choose(Map, double, double)} with the same limit for both errors. */
  public static AbstentionBand choose(Map<String, List<Scored>> groups, double maxError) {
    return choose(groups, maxError, maxError);
  }

  /**
   * The band that judges the largest share of all heads while, in every group, at most {@code
   * maxFalseHelmet} of the judged bare heads are called helmet and at most {@code maxFalseBare} of
   * the judged helmets are called bare; edges on a grid of {@link #STEP}. When no band meets the
   * limits, the one whose worst excess over its limit is smallest (then the most judged).
   */
  public static AbstentionBand choose(
      Map<String, List<Scored>> groups, double maxFalseHelmet, double maxFalseBare) {
    AbstentionBand best = null;
    double bestWorst = Double.MAX_VALUE;
    double bestJudged = -1;
    int steps = (int) Math.round(1 / STEP);
    for (int lo = 1; lo <= steps / 2; lo++) {
      for (int hi = steps / 2; hi < steps; hi++) {
        AbstentionBand band = new AbstentionBand(lo * STEP, hi * STEP);
        double worst = 0;
        long judged = 0;
        int heads = 0;
        for (List<Scored> group : groups.values()) {
          GroupFigures f = band.figures(group);
          worst =
              Math.max(
                  worst, Math.max(f.falseHelmet() - maxFalseHelmet, f.falseBare() - maxFalseBare));
          judged += f.judgedHeads();
          heads += f.heads();
        }
        double share = heads == 0 ? 0 : (double) judged / heads;
        double capped = Math.max(worst, 0);
        if (capped < bestWorst || (capped == bestWorst && share > bestJudged)) {
          best = band;
          bestWorst = capped;
          bestJudged = share;
        }
      }
    }
    return best;
  }
}
