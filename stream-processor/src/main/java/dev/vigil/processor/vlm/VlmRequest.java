package dev.vigil.processor.vlm;

import dev.vigil.config.Box;
import dev.vigil.config.Violation;
import dev.vigil.config.VlmAnswer;

/**
 * One question for the model about one frame, made by the rules on the stream thread.
 *
 * @param kind {@link VlmAnswer#ASK} or {@link VlmAnswer#VERIFY}
 * @param camera camera id
 * @param promptId the prompt
 * @param meaning the prompt's canonical form, so a stale answer can be told apart
 * @param question what the model is asked
 * @param crop the part of the frame to send (a zone's bounds), or null for the whole frame
 * @param frameTime event time of the frame, epoch millis
 * @param episodeId for {@link VlmAnswer#VERIFY}, the episode to confirm; else null
 * @param evidence for {@link VlmAnswer#ASK}, what the gate saw (the people in view or in the zone),
 *     carried by the answer so that an alert from it has boxes; else null
 */
public record VlmRequest(
    String kind,
    String camera,
    String promptId,
    String meaning,
    String question,
    Box crop,
    long frameTime,
    String episodeId,
    Violation.Evidence evidence) {

  /** The deterministic id: the same question about the same frame always has the same id. */
  public String id() {
    return VlmAnswer.requestId(kind, camera, promptId, meaning, frameTime);
  }
}
