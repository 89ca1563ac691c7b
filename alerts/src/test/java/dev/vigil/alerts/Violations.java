package dev.vigil.alerts;

import dev.vigil.config.Violation;
import java.util.List;
import java.util.Map;

/** Test violations with deterministic ids (also for deploy's tests, through the test-jar). */
public final class Violations {
  private Violations() {}

  static Violation open(String camera, int n) {
    String prompt = "p" + n;
    return open(
        camera,
        prompt,
        "how many people without a helmet in zone assembly?",
        1.0 + n,
        1_700_000_000_000L + n,
        Violation.Severity.CRITICAL,
        Map.of("people", 2, "no_helmet", 1));
  }

  /**
   * An open violation of {@code prompt} on {@code camera}; its id follows from the two and the
   * start.
   */
  public static Violation open(
      String camera,
      String prompt,
      String text,
      double value,
      long startedMs,
      Violation.Severity severity,
      Map<String, Integer> counts) {
    return new Violation(
        Violation.SCHEMA,
        Violation.episodeId(camera, prompt, startedMs),
        Violation.State.OPEN,
        camera,
        new Violation.PromptRef(prompt, text),
        value,
        startedMs,
        null,
        severity,
        new Violation.Evidence(List.of(), counts, null, null),
        null,
        null);
  }
}
