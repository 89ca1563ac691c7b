package dev.vigil.alerts;

import dev.vigil.config.Box;
import dev.vigil.config.Observation;
import dev.vigil.config.Person;
import dev.vigil.config.Point;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Test observations: people with a given helmet judgement and one prompt's answer. */
final class Observations {
  static final String PROMPT = "no-helmet";
  static final String TEXT = "How many people are not wearing a helmet?";

  private Observations() {}

  /**
   * An observation of {@code camera} at {@code timestamp}, with one person per helmet judgement
   * (true, false or null) and prompt {@link #PROMPT} answering the number without a helmet.
   */
  static Observation of(String camera, long timestamp, String violation, Boolean... helmets) {
    List<Person> people = new ArrayList<>();
    int noHelmet = 0;
    for (int i = 0; i < helmets.length; i++) {
      double x = 0.1 * i;
      people.add(
          Person.detected(new Box(x, 0.2, x + 0.1, 0.9), 0.8, new Point(x + 0.05, 0.9))
              .withHead(new Box(x + 0.02, 0.2, x + 0.08, 0.3), null, helmets[i]));
      if (Boolean.FALSE.equals(helmets[i])) {
        noHelmet++;
      }
    }
    return new Observation(
        Observation.SCHEMA,
        camera,
        timestamp / 100,
        timestamp,
        1280,
        720,
        people,
        null,
        Map.of("model", 12.5),
        Map.of(
            PROMPT,
            new Observation.PromptAnswer(TEXT, (double) noHelmet, noHelmet > 0, violation)));
  }
}
