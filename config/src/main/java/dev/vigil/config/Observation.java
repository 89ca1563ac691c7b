package dev.vigil.config;

import java.util.List;
import java.util.Map;

/**
 * What the model saw in one frame of one camera. The value of {@code vigil.observations}.
 *
 * @param schema record schema version
 * @param camera camera id
 * @param seq the frame's sequence number from the edge agent
 * @param timestamp capture time, epoch millis
 * @param width frame width in pixels
 * @param height frame height in pixels
 * @param people the people seen
 * @param audio features of the audio overlapping this frame, or null when there is none
 * @param timingsMs stage timings in milliseconds, such as {@code decode} and {@code model}
 * @param answers the answer of every standing prompt on this camera for this frame, by prompt id
 */
public record Observation(
    int schema,
    String camera,
    long seq,
    long timestamp,
    int width,
    int height,
    List<Person> people,
    AudioFeatures audio,
    Map<String, Double> timingsMs,
    Map<String, PromptAnswer> answers) {
  public static final int SCHEMA = 1;

  public Observation {
    people = people == null ? List.of() : List.copyOf(people);
    timingsMs = timingsMs == null ? Map.of() : Map.copyOf(timingsMs);
    answers = answers == null ? Map.of() : Map.copyOf(answers);
  }

  /**
   * One prompt's answer on one frame.
   *
   * @param text the prompt's text
   * @param answer the answer, or null when there is none (nobody to divide by, sound not met)
   * @param holds whether the prompt's condition holds on this frame
   * @param violation {@code open} while a violation of this prompt is open on this camera, else
   *     {@code none}
   */
  public record PromptAnswer(String text, Double answer, boolean holds, String violation) {}

  /** A copy with the prompts' answers. */
  public Observation withAnswers(Map<String, PromptAnswer> answers) {
    return new Observation(
        schema, camera, seq, timestamp, width, height, people, audio, timingsMs, answers);
  }
}
