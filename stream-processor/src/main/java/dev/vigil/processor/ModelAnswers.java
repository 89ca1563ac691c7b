package dev.vigil.processor;

import dev.vigil.config.Observation;
import dev.vigil.config.Person;
import dev.vigil.config.SiteConfig;
import dev.vigil.config.Violation;
import dev.vigil.config.VlmAnswer;
import dev.vigil.processor.rules.RuleState;
import dev.vigil.processor.rules.TemporalRule;
import dev.vigil.processor.vlm.VlmDispatcher;
import dev.vigil.processor.vlm.VlmRequest;
import java.util.List;
import java.util.Map;

/**
 * Runs the prompts the multimodal model answers: on a frame the rule only asks (through {@link
 * VlmDispatcher}, which never blocks) while the prompt's {@link ModelGate} holds, and counts the
 * prompt as false while it does not; the model's answer steps the rule when it comes back. Not
 * thread-safe: one per rule processor.
 */
final class ModelAnswers {
  private final RuleStepper rules;
  private final ActivePrompts prompts;
  private final VlmDispatcher vlm;
  private final Map<String, SiteConfig.Camera> cameras;

  /**
   * @param vlm the multimodal model, or null when the site has none
   */
  ModelAnswers(
      RuleStepper rules,
      ActivePrompts prompts,
      VlmDispatcher vlm,
      Map<String, SiteConfig.Camera> cameras) {
    this.rules = rules;
    this.prompts = prompts;
    this.vlm = vlm;
    this.cameras = cameras;
  }

  /**
   * A VLM prompt on one frame: while its gate holds, adds the question to {@code ask} (the answer
   * steps the rule when it comes back); while it does not, the prompt counts as false, as a
   * compiled prompt with nobody to match would.
   */
  Observation.PromptAnswer ask(
      String camera, PromptCatalog.Entry prompt, Observation obs, long ts, List<VlmRequest> ask) {
    RuleState state = rules.current(Violation.key(camera, prompt.id()), prompt);
    List<Person> inView = ModelGate.inView(prompt.vlm(), obs.people());
    if (!inView.isEmpty()) {
      if (vlm != null) {
        Violation.Evidence seen = RuleEvidence.of(inView, obs.people());
        ask.add(ModelGate.ask(camera, prompt.id(), prompt.vlm(), cameras.get(camera), ts, seen));
      }
    } else {
      TemporalRule.Step step = rules.step(camera, prompt, state, ts, false, 0);
      if (step.event() != null) {
        rules.out().emit(camera, prompt, step.event(), RuleEvidence.none(), ts);
      }
      state = step.state();
    }
    boolean active = state.phase() != RuleState.Phase.IDLE;
    return PromptAnswers.of(
        prompt, active ? PromptAnswers.orNull(state.answer()) : null, active, state);
  }

  /**
   * The model answered a VLM prompt about the frame at {@code ts}: steps its rule, unless the
   * answer is unknown or stale (the prompt changed or went away since it was asked). A verdict on a
   * held alert goes to the verifier.
   */
  void answered(String camera, VlmAnswer a, long ts) {
    if (VlmAnswer.VERIFY.equals(a.kind())) {
      rules.out().verdict(a);
      return;
    }
    PromptCatalog.Entry prompt = prompts.runningById().get(a.promptId());
    if (prompt == null
        || prompt.vlm() == null
        || !prompt.spec().appliesTo(camera)
        || !prompt.canonical().equals(a.meaning())
        || a.unknown()) {
      return;
    }
    RuleState state = rules.current(Violation.key(camera, prompt.id()), prompt);
    if (ts < state.lastSeen()) {
      late(camera, prompt, state, a, ts);
      return;
    }
    double answer = a.value() == null ? 0 : a.value();
    emit(camera, prompt, rules.step(camera, prompt, state, ts, a.holds(), answer), a, ts);
  }

  /**
   * An answer about a frame older than the rule's last step: the model took longer than the gap to
   * a later frame that closed the gate (or to the quiet camera's clock moving on), so the rule
   * already counted the prompt false after this frame. A "yes" is not lost for that: it steps the
   * rule at its own frame time, and the latest false is stepped again after it, close to what the
   * answer would have done in time (gaps and resolve delays count from the frame the model saw;
   * only a pending run the falses ended restarts at that frame). A "no", a "yes" older than the
   * rule's last one, or one from before its last episode resolved, says nothing the later steps did
   * not already take into account.
   */
  private void late(
      String camera, PromptCatalog.Entry prompt, RuleState state, VlmAnswer a, long ts) {
    if (!a.holds() || ts <= state.lastTrue() || ts <= state.resolvedAt()) {
      return;
    }
    long latestFalse = state.lastSeen();
    double answer = a.value() == null ? 0 : a.value();
    TemporalRule.Step yes = rules.step(camera, prompt, seenUntil(state), ts, true, answer);
    emit(camera, prompt, yes, a, ts);
    TemporalRule.Step no = rules.step(camera, prompt, yes.state(), latestFalse, false, 0);
    if (no.event() != null) {
      rules.out().emit(camera, prompt, no.event(), RuleEvidence.none(), latestFalse);
    }
  }

  /**
   * {@code s} with its last step moved back to its last true one, so a step between the two counts.
   */
  private static RuleState seenUntil(RuleState s) {
    return new RuleState(
        s.phase(),
        s.since(),
        s.lastTrue(),
        s.lastTrue(),
        s.answer(),
        s.resolvedAt(),
        s.episodeId(),
        s.reportedAt(),
        s.meaning());
  }

  private void emit(
      String camera, PromptCatalog.Entry prompt, TemporalRule.Step step, VlmAnswer a, long ts) {
    if (step.event() != null) {
      Violation.ModelVerdict verdict =
          new Violation.ModelVerdict(a.model(), "answer", a.verdict(), a.confidence(), a.reason());
      Violation.Evidence seen = a.evidence() == null ? RuleEvidence.none() : a.evidence();
      rules.out().emit(camera, prompt, step.event(), seen, ts, verdict);
    }
  }
}
