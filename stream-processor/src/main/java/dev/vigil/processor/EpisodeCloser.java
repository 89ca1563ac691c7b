package dev.vigil.processor;

import dev.vigil.config.Violation;
import dev.vigil.processor.rules.RuleState;
import dev.vigil.processor.rules.TemporalRule;
import java.util.Map;
import org.apache.kafka.streams.KeyValue;

/**
 * Ends rules whose ground went away: the prompt changed meaning or was removed, or the camera went
 * silent or offline. An open episode resolves at the last event time its rule saw, with the reason,
 * rather than staying open forever. Not thread-safe: one per rule processor.
 *
 * @param states the rule state store
 * @param prompts the prompts now running, to tell which rules lost their ground
 * @param out where the resolving events go
 */
record EpisodeCloser(RuleStates states, ActivePrompts prompts, ViolationOutput out) {

  /**
   * The state to step for {@code prompt}: {@code state}, unless it was built under another meaning
   * of the prompt; then its open episode resolves with reason {@code prompt_changed} and the rule
   * starts fresh.
   */
  RuleState current(String key, RuleState state, PromptCatalog.Entry prompt) {
    if (state == null) {
      return RuleState.initial();
    }
    String meaning = prompt.canonical();
    if (state.meaning() == null || state.meaning().equals(meaning)) {
      return state;
    }
    end(key, state, prompt, Violation.REASON_PROMPT_CHANGED, state.lastSeen());
    return RuleState.initial();
  }

  /**
   * Ends the rules of prompts that were removed, no longer apply to a camera, or changed meaning.
   */
  void retireStaleRules() {
    Map<String, PromptCatalog.Entry> active = prompts.runningById();
    for (KeyValue<String, RuleState> kv : states.all()) {
      PromptCatalog.Entry prompt = active.get(RuleStates.promptIdOf(kv.key));
      if (prompt == null || !prompt.spec().appliesTo(RuleStates.cameraOf(kv.key))) {
        end(kv.key, kv.value, null, Violation.REASON_PROMPT_REMOVED, kv.value.lastSeen());
      } else if (kv.value.meaning() != null && !kv.value.meaning().equals(prompt.canonical())) {
        end(kv.key, kv.value, prompt, Violation.REASON_PROMPT_CHANGED, kv.value.lastSeen());
      }
    }
  }

  /**
   * Advances the rules of a silent camera to its own time: closes stale pending runs and resolves
   * episodes whose condition has been false (or unseen) for the resolve delay.
   */
  void advance(String camera, long cameraTime) {
    Map<String, PromptCatalog.Entry> active = prompts.runningById();
    for (KeyValue<String, RuleState> kv : states.ofCamera(camera)) {
      PromptCatalog.Entry prompt = active.get(RuleStates.promptIdOf(kv.key));
      if (prompt == null || !prompt.spec().appliesTo(camera)) {
        continue;
      }
      TemporalRule.Step step = prompt.ruleOn(camera).advance(kv.value, cameraTime);
      // Still under the meaning it was built with, so a later change of meaning ends its episode.
      RuleState next = step.state().withMeaning(kv.value.meaning());
      if (!next.equals(kv.value)) {
        states.put(kv.key, next);
      }
      if (step.event() != null) {
        out.emit(camera, prompt, step.event(), RuleEvidence.none(), cameraTime);
      }
    }
  }

  /**
   * Ends every rule of an offline camera: its open episodes resolve at {@code lastEvent} with
   * reason {@code camera_offline}, and its rules start fresh when it returns.
   */
  void cameraOffline(String camera, long lastEvent) {
    Map<String, PromptCatalog.Entry> active = prompts.runningById();
    for (KeyValue<String, RuleState> kv : states.ofCamera(camera)) {
      PromptCatalog.Entry prompt = active.get(RuleStates.promptIdOf(kv.key));
      end(kv.key, kv.value, prompt, Violation.REASON_CAMERA_OFFLINE, lastEvent);
    }
  }

  /**
   * Deletes the rule at {@code key}, resolving its open episode at {@code at} for {@code reason}.
   *
   * @param prompt the prompt's running version, for its text and severity; null once removed
   */
  private void end(
      String key, RuleState state, PromptCatalog.Entry prompt, String reason, long at) {
    if (state.phase() == RuleState.Phase.OPEN) {
      String camera = RuleStates.cameraOf(key);
      String promptId = RuleStates.promptIdOf(key);
      Violation v =
          new Violation(
              Violation.SCHEMA,
              state.episodeId(),
              Violation.State.RESOLVED,
              camera,
              new Violation.PromptRef(promptId, prompt == null ? null : prompt.spec().text()),
              PromptAnswers.orNull(state.answer()),
              state.since(),
              Math.max(at, state.since()),
              prompt == null ? null : Violation.Severity.of(prompt.spec().severity()),
              RuleEvidence.none(),
              reason,
              null);
      out.forward(camera, promptId, v, Math.max(at, state.since()));
    }
    states.delete(key);
  }
}
