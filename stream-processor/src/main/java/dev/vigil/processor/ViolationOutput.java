package dev.vigil.processor;

import dev.vigil.config.SiteConfig;
import dev.vigil.config.Violation;
import dev.vigil.config.VlmAnswer;
import dev.vigil.processor.rules.TemporalRule;
import dev.vigil.processor.vlm.VlmDispatcher;
import java.util.Map;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Where violation events go: to {@code vigil.violations}, through the {@link AlertVerifier} when
 * the site has a model and the prompt asks for verification. Not thread-safe: one per rule
 * processor.
 */
final class ViolationOutput {
  private final ProcessorContext<String, Object> context;
  private final AlertVerifier verifier;

  /**
   * @param vlm the multimodal model, or null when the site has none (nothing is then verified)
   */
  ViolationOutput(
      ProcessorContext<String, Object> context,
      VlmDispatcher vlm,
      Map<String, SiteConfig.Camera> cameras) {
    this.context = context;
    this.verifier =
        vlm == null
            ? null
            : new AlertVerifier(
                context.getStateStore(VigilTopology.PENDING_ALERTS_STORE),
                vlm,
                cameras,
                vlm.timeoutMs() + AlertVerifier.GRACE_MS,
                (v, ts) -> publish(v.camera(), v.prompt().id(), v, ts));
  }

  /** Publishes a step's event of {@code prompt} on {@code camera}. */
  void emit(
      String camera,
      PromptCatalog.Entry prompt,
      TemporalRule.Event event,
      Violation.Evidence evidence,
      long timestamp) {
    emit(camera, prompt, event, evidence, timestamp, null);
  }

  /**
   * As {@link #emit(String, PromptCatalog.Entry, TemporalRule.Event, Violation.Evidence, long)},
   * with the model's verdict.
   */
  void emit(
      String camera,
      PromptCatalog.Entry prompt,
      TemporalRule.Event event,
      Violation.Evidence evidence,
      long timestamp,
      Violation.ModelVerdict verdict) {
    Violation v =
        new Violation(
            Violation.SCHEMA,
            event.episodeId(),
            event.state(),
            camera,
            new Violation.PromptRef(prompt.id(), prompt.spec().text()),
            PromptAnswers.orNull(event.answer()),
            event.started(),
            event.ended(),
            Violation.Severity.of(prompt.spec().severity()),
            evidence,
            null,
            verdict);
    if (verifier != null
        && Violation.State.OPEN.equals(v.state())
        && prompt.compiled() != null
        && prompt.spec().verified()) {
      // The model confirms it on this frame first; the alert waits, the stream does not.
      verifier.hold(prompt, v, timestamp, context.currentSystemTimeMs());
      return;
    }
    forward(camera, prompt.id(), v, timestamp);
  }

  /** Publishes {@code v}, unless it follows an open event the verifier holds or rejected. */
  void forward(String camera, String promptId, Violation v, long timestamp) {
    if (verifier != null && !Violation.State.OPEN.equals(v.state()) && verifier.follows(v)) {
      return;
    }
    publish(camera, promptId, v, timestamp);
  }

  /** The model's verdict on a held open event; ignored when nothing is verified. */
  void verdict(VlmAnswer a) {
    if (verifier != null) {
      verifier.verdict(a);
    }
  }

  /** Lets out the held events whose verdict did not come in time. */
  void expire(long now) {
    if (verifier != null) {
      verifier.expire(now);
    }
  }

  private void publish(String camera, String promptId, Violation v, long timestamp) {
    context.forward(
        new Record<String, Object>(Violation.key(camera, promptId), v, timestamp),
        RuleProcessor.VIOLATIONS_SINK);
    commitSoon();
  }

  /**
   * Violations are the output someone waits for: under exactly-once they are invisible until the
   * transaction commits, so ask for a commit after this record instead of waiting for the commit
   * interval, which can then be long enough to keep transactions cheap.
   */
  private void commitSoon() {
    context.commit();
  }
}
