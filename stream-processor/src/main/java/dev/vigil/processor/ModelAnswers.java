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
    double answer = a.value() == null ? 0 : a.value();
    TemporalRule.Step step = rules.step(camera, prompt, state, ts, a.holds(), answer);
    if (step.event() != null) {
      Violation.ModelVerdict verdict =
          new Violation.ModelVerdict(a.model(), "answer", a.verdict(), a.confidence(), a.reason());
      Violation.Evidence seen = a.evidence() == null ? RuleEvidence.none() : a.evidence();
      rules.out().emit(camera, prompt, step.event(), seen, ts, verdict);
    }
  }
}
