package dev.vigil.processor;

import dev.vigil.config.Violation;
import dev.vigil.processor.rules.RuleState;
import dev.vigil.processor.rules.TemporalRule;

/**
 * What the rules of every kind of prompt step through: the rule state store, the closer that ends a
 * changed prompt's episode, and the output of the events. Not thread-safe: one per rule processor.
 */
record RuleStepper(RuleStates states, EpisodeCloser closer, ViolationOutput out) {

  /** The state of the rule at {@code key}: fresh, its episode resolved, if the prompt changed. */
  RuleState current(String key, PromptCatalog.Entry prompt) {
    return closer.current(key, states.get(key), prompt);
  }

  /** Steps {@code prompt}'s rule on {@code camera} and stores the result under its meaning. */
  TemporalRule.Step step(
      String camera,
      PromptCatalog.Entry prompt,
      RuleState state,
      long ts,
      boolean holds,
      double answer) {
    TemporalRule.Step step = prompt.ruleOn(camera).step(state, ts, holds, answer);
    states.put(Violation.key(camera, prompt.id()), step.state().withMeaning(prompt.canonical()));
    return step;
  }
}
