package dev.vigil.processor;

import dev.vigil.config.Observation;
import dev.vigil.config.Violation;
import dev.vigil.inference.Scene;
import dev.vigil.inference.prompt.CompiledPrompt;
import dev.vigil.processor.rules.RuleState;
import dev.vigil.processor.rules.TemporalRule;

/**
 * Steps the rule of a compiled prompt answered on the whole scene ("more than 3 people in the
 * zone"), one rule per camera x prompt. Not thread-safe: one per rule processor.
 */
record CompiledRules(RuleStepper rules) {

  /** Answers {@code prompt} on {@code scene} and steps its rule on the answer. */
  Observation.PromptAnswer answer(
      String camera, PromptCatalog.Entry prompt, Scene scene, double calibration, long ts) {
    CompiledPrompt compiled = prompt.compiled();
    double answer = compiled.answer(scene, calibration);
    boolean holds = compiled.holds(answer);
    RuleState state = rules.current(Violation.key(camera, prompt.id()), prompt);
    TemporalRule.Step step = rules.step(camera, prompt, state, ts, holds, answer);
    if (step.event() != null) {
      rules.out().emit(camera, prompt, step.event(), RuleEvidence.of(compiled, scene), ts);
    }
    return PromptAnswers.of(prompt, PromptAnswers.orNull(answer), holds, step.state());
  }
}
