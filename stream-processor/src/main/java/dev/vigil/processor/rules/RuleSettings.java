package dev.vigil.processor.rules;

/**
 * Timing of one rule, all in seconds of event time.
 *
 * @param forS the condition must hold this long before a violation opens (0 = at once)
 * @param gapToleranceS a false answer shorter than this does not reset the timer or resolve
 * @param resolveDelayS the condition must be false this long before a violation resolves
 * @param cooldownS after a resolve, a new episode cannot open for this long
 */
public record RuleSettings(
    double forS, double gapToleranceS, double resolveDelayS, double cooldownS) {
  public static final double DEFAULT_GAP_TOLERANCE_S = 2.0;
  public static final double DEFAULT_RESOLVE_DELAY_S = 5.0;

  public RuleSettings {
    if (forS < 0 || gapToleranceS < 0 || resolveDelayS < 0 || cooldownS < 0) {
      throw new IllegalArgumentException("rule timings must be >= 0");
    }
  }

  public static RuleSettings of(double forS, double cooldownS) {
    return new RuleSettings(forS, DEFAULT_GAP_TOLERANCE_S, DEFAULT_RESOLVE_DELAY_S, cooldownS);
  }

  long forMs() {
    return Math.round(forS * 1000);
  }

  long gapToleranceMs() {
    return Math.round(gapToleranceS * 1000);
  }

  long resolveDelayMs() {
    return Math.round(resolveDelayS * 1000);
  }

  long cooldownMs() {
    return Math.round(cooldownS * 1000);
  }
}
