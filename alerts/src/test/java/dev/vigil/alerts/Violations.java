package dev.vigil.alerts;

import dev.vigil.config.Violation;
import java.util.List;
import java.util.Map;

/** Test violations with deterministic ids. */
final class Violations {
  private Violations() {}

  static Violation open(String camera, int n) {
    String prompt = "p" + n;
    long started = 1_700_000_000_000L + n;
    return new Violation(
        Violation.SCHEMA,
        Violation.episodeId(camera, prompt, started),
        Violation.State.OPEN,
        camera,
        new Violation.PromptRef(prompt, "how many people without a helmet in zone assembly?"),
        1.0 + n,
        started,
        null,
        Violation.Severity.CRITICAL,
        new Violation.Evidence(List.of(), Map.of("people", 2, "no_helmet", 1), null, null));
  }
}
