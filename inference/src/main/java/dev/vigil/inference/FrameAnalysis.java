package dev.vigil.inference;

import dev.vigil.config.Person;
import java.util.List;
import java.util.Map;

/**
 * What the model saw in one frame.
 *
 * @param width decoded width in pixels
 * @param height decoded height in pixels
 * @param people the people seen, boxes normalised to the frame
 * @param timingsMs stage timings in milliseconds: at least {@code decode} and {@code model}
 */
public record FrameAnalysis(
    int width, int height, List<Person> people, Map<String, Double> timingsMs) {
  public FrameAnalysis {
    people = List.copyOf(people);
    timingsMs = Map.copyOf(timingsMs);
  }
}
