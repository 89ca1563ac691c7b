package dev.vigil.config;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * One answer of the multimodal model, the value of {@code vigil.vlm-answers} (keyed by camera, the
 * record timestamp is the frame's). Answers travel through Kafka so that the rules see them inside
 * a transaction, and so that a replay finds them there instead of calling the model again.
 *
 * @param schema record schema version
 * @param requestId deterministic id of the question: camera, prompt, its meaning and the frame time
 *     ({@link #requestId}); a request with a recorded answer is never sent again
 * @param camera camera id
 * @param promptId the prompt asked
 * @param meaning the prompt's canonical form when it was asked; an answer to another meaning is
 *     stale and ignored
 * @param frameTime event time of the frame the model saw, epoch millis
 * @param kind {@link #ASK} (a VLM prompt's answer) or {@link #VERIFY} (a check of an open event)
 * @param episodeId for {@link #VERIFY}, the episode checked; else null
 * @param model the model name that answered
 * @param verdict {@link #YES}, {@link #NO}, {@link #NUMBER} or {@link #UNKNOWN}
 * @param value the number for {@link #NUMBER}, 1 for yes, 0 for no, null for unknown
 * @param confidence the model's own confidence 0..1, or null
 * @param reason the model's reason, or why the answer is unknown
 * @param error for {@link #UNKNOWN}, a short code such as {@code timeout}, {@code rate_limited},
 *     {@code server_error}, {@code unauthorized}, {@code malformed}, {@code refusal}; else null
 * @param latencyS seconds the call took, or null when no call was made
 * @param promptTokens tokens the server counted for the request, or null when it reports none
 * @param completionTokens tokens the server counted for the answer, or null
 * @param evidence for {@link #ASK}, what the gate saw when the model was asked (the people in view
 *     or in the zone, with their boxes and helmet counts): the evidence of an alert the answer
 *     opens; null for {@link #VERIFY} and in answers recorded before it existed
 */
public record VlmAnswer(
    int schema,
    String requestId,
    String camera,
    String promptId,
    String meaning,
    long frameTime,
    String kind,
    String episodeId,
    String model,
    String verdict,
    Double value,
    Double confidence,
    String reason,
    String error,
    Double latencyS,
    Integer promptTokens,
    Integer completionTokens,
    Violation.Evidence evidence) {
  public static final int SCHEMA = 1;
  public static final String ASK = "ask";
  public static final String VERIFY = "verify";
  public static final String YES = "yes";
  public static final String NO = "no";
  public static final String NUMBER = "number";
  public static final String UNKNOWN = "unknown";

  /** True when the model said the prompt holds: yes, or a number above 0. Unknown never holds. */
  public boolean holds() {
    return YES.equals(verdict) || (NUMBER.equals(verdict) && value != null && value > 0);
  }

  public boolean unknown() {
    return UNKNOWN.equals(verdict) || verdict == null;
  }

  /** The deterministic id of asking {@code promptId} (as {@code meaning}) about one frame. */
  public static String requestId(
      String kind, String camera, String promptId, String meaning, long frameTime) {
    String name =
        kind + "\u0000" + camera + "\u0000" + promptId + "\u0000" + meaning + "\u0000" + frameTime;
    return UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8)).toString();
  }
}
