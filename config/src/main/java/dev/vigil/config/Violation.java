package dev.vigil.config;

import com.fasterxml.jackson.annotation.JsonValue;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * One violation lifecycle event, the value of {@code vigil.violations} (keyed by {@code
 * camera/prompt}).
 *
 * @param schema record schema version
 * @param id deterministic episode id: the same episode always gets the same id, so replays
 *     deduplicate
 * @param state {@code open}, {@code update}, {@code resolved} or {@code rejected}
 * @param camera camera id
 * @param prompt the prompt's id and text
 * @param answer the prompt's answer when this event was emitted, or null when there was none
 *     (nobody to divide by, or the sound condition not met)
 * @param started event time the episode's condition began, epoch millis
 * @param ended event time the episode resolved, or null while open
 * @param severity the prompt's severity
 * @param evidence what supports the answer
 * @param reason why a resolved episode ended when it was not the condition turning false ({@link
 *     #REASON_CAMERA_OFFLINE}, {@link #REASON_PROMPT_CHANGED}, {@link #REASON_PROMPT_REMOVED}),
 *     else null
 * @param model what the multimodal model said: the answer of a VLM prompt, or the verification of
 *     an alert ({@code verify: vlm}); null when no model was asked
 */
public record Violation(
    int schema,
    String id,
    State state,
    String camera,
    PromptRef prompt,
    Double answer,
    long started,
    Long ended,
    Severity severity,
    Evidence evidence,
    String reason,
    ModelVerdict model) {
  public static final int SCHEMA = 1;

  /** Where an event stands in its episode; written in lowercase in JSON, keys and labels. */
  public enum State {
    OPEN,
    UPDATE,
    RESOLVED,
    /**
     * An event the model rejected under {@code verify: vlm} with mode {@code gate}: kept on {@code
     * vigil.violations} so nothing disappears without a trace, but not an alert.
     */
    REJECTED;

    @JsonValue
    @Override
    public String toString() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** The level subscribers see, the prompt's {@code severity}; lowercase in JSON. */
  public enum Severity {
    INFO,
    WARNING,
    CRITICAL;

    @JsonValue
    @Override
    public String toString() {
      return name().toLowerCase(Locale.ROOT);
    }

    /** The severity a prompt names, such as {@code warning}; a checked prompt names one. */
    public static Severity of(String name) {
      return valueOf(name.toUpperCase(Locale.ROOT));
    }
  }

  public static final String REASON_CAMERA_OFFLINE = "camera_offline";
  public static final String REASON_PROMPT_CHANGED = "prompt_changed";
  public static final String REASON_PROMPT_REMOVED = "prompt_removed";

  /** This event with the model's word on it. */
  public Violation withModel(ModelVerdict model) {
    return new Violation(
        schema, id, state, camera, prompt, answer, started, ended, severity, evidence, reason,
        model);
  }

  /** This event with {@code evidence} instead of its own. */
  public Violation withEvidence(Evidence evidence) {
    return new Violation(
        schema, id, state, camera, prompt, answer, started, ended, severity, evidence, reason,
        model);
  }

  /** This event in {@code state}, such as {@link State#REJECTED}. */
  public Violation withState(State state) {
    return new Violation(
        schema, id, state, camera, prompt, answer, started, ended, severity, evidence, reason,
        model);
  }

  /**
   * What the multimodal model said about an event.
   *
   * @param name the model's name
   * @param purpose {@code answer} (it answers a VLM prompt) or {@code verify} (it checked an alert
   *     of a compiled prompt)
   * @param verdict {@code yes}, {@code no}, {@code number} or {@code unknown}
   * @param confidence the model's confidence 0..1, or null
   * @param reason the model's reason, or why its answer is unknown
   */
  public record ModelVerdict(
      String name, String purpose, String verdict, Double confidence, String reason) {}

  /** The prompt a violation answers. */
  public record PromptRef(String id, String text) {}

  /**
   * Evidence for a violation.
   *
   * @param boxes labelled boxes, normalised
   * @param counts counts such as {@code people}, {@code helmet}, {@code no_helmet}
   * @param audio audio features when they count, else null
   * @param snapshot a reference to a stored snapshot, or null
   */
  public record Evidence(
      List<LabelledBox> boxes, Map<String, Integer> counts, AudioFeatures audio, String snapshot) {
    public Evidence {
      boxes = boxes == null ? List.of() : List.copyOf(boxes);
      counts = counts == null ? Map.of() : Map.copyOf(counts);
    }
  }

  /** A box with a label such as {@code person}, {@code head} or {@code helmet}. */
  public record LabelledBox(String label, Box box, Double score) {}

  /** The Kafka key of a violation: {@code camera/prompt}. */
  public static String key(String camera, String promptId) {
    return camera + "/" + promptId;
  }

  /**
   * The deterministic id of the episode of {@code promptId} on {@code camera} that started at
   * {@code startedMillis}: a name-based UUID, so the same episode always maps to the same id.
   */
  public static String episodeId(String camera, String promptId, long startedMillis) {
    String name = camera + "\u0000" + promptId + "\u0000" + startedMillis;
    return UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8)).toString();
  }
}
