package dev.vigil.processor;

import dev.vigil.config.Observation;
import dev.vigil.processor.rules.RuleState;

/** Builds the answers written on an observation, one per prompt. */
final class PromptAnswers {
  private PromptAnswers() {}

  /** A prompt's answer, with {@code violation} "open" while its rule has an open episode. */
  static Observation.PromptAnswer of(
      PromptCatalog.Entry prompt, Double answer, boolean holds, boolean open) {
    return new Observation.PromptAnswer(
        prompt.spec().text(), answer, holds, open ? "open" : "none");
  }

  /** A prompt's answer from the state its rule is in after the frame. */
  static Observation.PromptAnswer of(
      PromptCatalog.Entry prompt, Double answer, boolean holds, RuleState state) {
    return of(prompt, answer, holds, state.phase() == RuleState.Phase.OPEN);
  }

  /** The numeric answer, or null when there is none (NaN). */
  static Double orNull(double answer) {
    return Double.isNaN(answer) ? null : answer;
  }
}
