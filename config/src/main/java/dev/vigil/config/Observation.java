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
    Map<String, Double> timingsMs) {
  public static final int SCHEMA = 1;

  public Observation {
    people = people == null ? List.of() : List.copyOf(people);
    timingsMs = timingsMs == null ? Map.of() : Map.copyOf(timingsMs);
  }
}
