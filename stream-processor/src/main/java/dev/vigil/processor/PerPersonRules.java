package dev.vigil.processor;

import dev.vigil.config.Observation;
import dev.vigil.config.Person;
import dev.vigil.config.Violation;
import dev.vigil.inference.Scene;
import dev.vigil.inference.prompt.CompiledPrompt;
import dev.vigil.processor.rules.RuleState;
import dev.vigil.processor.rules.TemporalRule;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.streams.KeyValue;

/**
 * Runs a per-person prompt ("the same person without a helmet for 10 s"): one rule per track, keyed
 * {@code camera/prompt#track}, so the condition must hold for one person throughout and each person
 * gets their own episode. A track that leaves the scene counts as false. Not thread-safe: one per
 * rule processor.
 */
record PerPersonRules(RuleStepper rules) {

  /**
   * Steps the rule of every track that matches {@code prompt} on {@code scene} or has a rule
   * running; the answer is the number of people matching.
   */
  Observation.PromptAnswer answer(
      String camera, PromptCatalog.Entry prompt, Scene scene, double calibration, long ts) {
    CompiledPrompt compiled = prompt.compiled();
    boolean soundHolds =
        !compiled.sound().isPresent() || compiled.sound().test(scene.audio(), calibration);
    Map<Long, Person> matching = new HashMap<>();
    for (Person p : compiled.matching(scene)) {
      if (p.trackId() != null && soundHolds) {
        matching.put(p.trackId(), p);
      }
    }
    String prefix = Violation.key(camera, prompt.id()) + RuleStates.TRACK_SEPARATOR;
    Map<Long, RuleState> known = new HashMap<>();
    for (KeyValue<String, RuleState> kv : rules.states().withPrefix(prefix)) {
      known.put(RuleStates.trackOf(kv.key), kv.value);
    }
    known.replaceAll((track, state) -> rules.closer().current(prefix + track, state, prompt));
    Set<Long> tracks = new TreeSet<>(known.keySet());
    tracks.addAll(matching.keySet());
    boolean open = false;
    for (long track : tracks) {
      Person person = matching.get(track);
      boolean holds = person != null;
      RuleState state = known.getOrDefault(track, RuleState.initial());
      TemporalRule rule =
          new TemporalRule(
              camera, prompt.id() + RuleStates.TRACK_SEPARATOR + track, prompt.settings());
      TemporalRule.Step step = rule.step(state, ts, holds, holds ? 1 : 0);
      if (!holds && step.state().phase() == RuleState.Phase.IDLE && step.event() == null) {
        // The person left and nothing is pending or open: forget their track.
        rules.states().delete(prefix + track);
      } else {
        rules.states().put(prefix + track, step.state().withMeaning(compiled.canonical()));
      }
      if (step.event() != null) {
        Scene one =
            new Scene(camera, ts, person == null ? List.of() : List.of(person), scene.audio());
        rules.out().emit(camera, prompt, step.event(), RuleEvidence.of(compiled, one), ts);
      }
      open |= step.state().phase() == RuleState.Phase.OPEN;
    }
    return PromptAnswers.of(prompt, (double) matching.size(), !matching.isEmpty(), open);
  }
}
