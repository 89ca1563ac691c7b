package dev.vigil.inference;

import dev.vigil.config.AudioFeatures;
import dev.vigil.config.Person;
import java.util.List;

/**
 * Everything the model knows about one camera at one instant: the people in the frame and the audio
 * around it. Prompts are answered over a scene. Immutable.
 *
 * @param camera camera id
 * @param timestamp event time, epoch millis
 * @param people the people seen, with heads, helmets, zones and track ids where known
 * @param audio audio features overlapping the frame, or null when the camera has no audio
 */
public record Scene(String camera, long timestamp, List<Person> people, AudioFeatures audio) {
  public Scene {
    people = people == null ? List.of() : List.copyOf(people);
  }
}
