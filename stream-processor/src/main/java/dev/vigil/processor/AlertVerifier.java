package dev.vigil.processor;

import dev.vigil.config.PromptSpec;
import dev.vigil.config.SiteConfig;
import dev.vigil.config.Violation;
import dev.vigil.config.VlmAnswer;
import dev.vigil.processor.vlm.VlmDispatcher;
import dev.vigil.processor.vlm.VlmRequest;
import java.util.Map;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Alert verification ({@code verify: vlm}): before the open event of a verified prompt goes out,
 * the model is asked on the event's own frame whether it shows the violation. Under {@code
 * annotate} the verdict is added to the event; under {@code gate} an event the model rejects is
 * written with state {@code rejected} instead (a trace, not an alert), and the rest of its episode
 * is not published. An unknown verdict, a request the budget or queue refused, and a verdict that
 * does not come within the timeout all let the alert out with the reason: verification never
 * swallows an alert it could not check. Not thread-safe: one per rule processor.
 */
final class AlertVerifier {
  /** Added to {@code vlm.timeout_s}: the verdict's trip through Kafka and the queue. */
  static final long GRACE_MS = 10_000;

  /** Forwards a violation event to {@code vigil.violations}. */
  interface Sink {
    void forward(Violation v, long timestamp);
  }

  private final KeyValueStore<String, PendingAlert> pending;
  private final VlmDispatcher vlm;
  private final Map<String, SiteConfig.Camera> cameras;
  private final Sink sink;
  private final long waitMs;

  AlertVerifier(
      KeyValueStore<String, PendingAlert> pending,
      VlmDispatcher vlm,
      Map<String, SiteConfig.Camera> cameras,
      long waitMs,
      Sink sink) {
    this.pending = pending;
    this.vlm = vlm;
    this.cameras = cameras;
    this.waitMs = waitMs;
    this.sink = sink;
  }

  /**
   * Takes the open event {@code v} of a verified prompt: holds it and asks the model, or lets it
   * out at once, with the reason, when the request cannot be made.
   */
  void hold(PromptCatalog.Entry prompt, Violation v, long timestamp, long now) {
    VlmRequest ask =
        new VlmRequest(
            VlmAnswer.VERIFY,
            v.camera(),
            prompt.id(),
            prompt.canonical(),
            question(prompt),
            ModelGate.zoneBounds(cameras.get(v.camera()), prompt.compiled().zone()),
            timestamp,
            v.id(),
            null);
    VlmDispatcher.Offer offer = vlm.verify(ask);
    if (offer == VlmDispatcher.Offer.QUEUED || offer == VlmDispatcher.Offer.RECORDED) {
      pending.put(v.id(), new PendingAlert(v, timestamp, prompt.spec().verifyMode(), now, false));
    } else {
      sink.forward(v.withModel(unverified("not verified: " + describe(offer))), timestamp);
    }
  }

  /**
   * Whether the later event {@code v} (update or resolved) of an episode is taken here: dropped
   * while the open event waits or after a gate rejected it. A resolve that overtakes the verdict
   * first lets the open event out.
   */
  boolean follows(Violation v) {
    PendingAlert p = pending.get(v.id());
    if (p == null) {
      return false;
    }
    boolean resolved = Violation.State.RESOLVED.equals(v.state());
    if (p.violation() != null && resolved) {
      release(v.id(), p, unverified("resolved before the model answered"));
      return false;
    }
    if (resolved) {
      pending.delete(v.id());
    }
    return true;
  }

  /** The model's verdict on a held event. */
  void verdict(VlmAnswer a) {
    PendingAlert p = a.episodeId() == null ? null : pending.get(a.episodeId());
    if (p == null || p.violation() == null) {
      return;
    }
    Violation.ModelVerdict verdict =
        new Violation.ModelVerdict(a.model(), "verify", a.verdict(), a.confidence(), a.reason());
    boolean rejected = !a.unknown() && !a.holds();
    if (rejected && PromptSpec.VERIFY_GATE.equals(p.mode())) {
      sink.forward(
          p.violation().withState(Violation.State.REJECTED).withModel(verdict), p.timestamp());
      pending.put(a.episodeId(), new PendingAlert(null, p.timestamp(), p.mode(), p.heldAt(), true));
    } else {
      release(a.episodeId(), p, verdict);
    }
  }

  /** Lets out every held event whose verdict has not come within the wait. */
  void expire(long now) {
    for (KeyValue<String, PendingAlert> kv : StoreScan.copy(pending.all())) {
      PendingAlert p = kv.value;
      if (p.violation() != null && now - p.heldAt() > waitMs) {
        release(kv.key, p, unverified("no verdict within " + waitMs / 1000 + " s"));
      }
    }
  }

  private void release(String id, PendingAlert p, Violation.ModelVerdict verdict) {
    sink.forward(p.violation().withModel(verdict), p.timestamp());
    pending.delete(id);
  }

  private Violation.ModelVerdict unverified(String why) {
    return new Violation.ModelVerdict(vlm.model(), "verify", VlmAnswer.UNKNOWN, null, why);
  }

  /** The question: the prompt as the rules understood it, to confirm or deny on the image. */
  static String question(PromptCatalog.Entry prompt) {
    return "A safety rule on this camera fired. The rule: \""
        + prompt.spec().text()
        + "\" (read as: "
        + prompt.canonical()
        + "). Does this image show the violation? Answer true if it does, false if it does not.";
  }

  private static String describe(VlmDispatcher.Offer offer) {
    return switch (offer) {
      case OVER_BUDGET -> "today's vlm.daily_budget is spent";
      case NO_FRAME -> "the event's frame is no longer held";
      default -> offer.name().toLowerCase(java.util.Locale.ROOT);
    };
  }
}
