package dev.vigil.processor;

import dev.vigil.config.Box;
import dev.vigil.config.Person;
import dev.vigil.config.Point;
import dev.vigil.config.SiteConfig;
import dev.vigil.config.Violation;
import dev.vigil.config.VlmAnswer;
import dev.vigil.inference.prompt.VlmPrompt;
import dev.vigil.processor.vlm.VlmRequest;
import java.util.List;

/**
 * The cheap gate in front of the model: a VLM prompt is asked only while someone is in view, or in
 * the zone its text names, and then about that zone's crop of the frame. Stateless.
 */
final class ModelGate {
  private ModelGate() {}

  /** True when the model should be asked about this frame. */
  static boolean holds(VlmPrompt prompt, List<Person> people) {
    return !inView(prompt, people).isEmpty();
  }

  /** The people who open the gate: everyone in view, or everyone in the prompt's zone. */
  static List<Person> inView(VlmPrompt prompt, List<Person> people) {
    if (prompt.zone() == null) {
      return people;
    }
    return people.stream().filter(p -> p.zones().contains(prompt.zone())).toList();
  }

  /**
   * The request to ask {@code prompt} about the frame of {@code camera} at {@code frameTime}, with
   * what the gate saw as the evidence an alert from its answer will carry.
   */
  static VlmRequest ask(
      String camera,
      String promptId,
      VlmPrompt prompt,
      SiteConfig.Camera config,
      long frameTime,
      Violation.Evidence seen) {
    return new VlmRequest(
        VlmAnswer.ASK,
        camera,
        promptId,
        prompt.canonical(),
        prompt.question(),
        zoneBounds(config, prompt.zone()),
        frameTime,
        null,
        seen);
  }

  /** The bounds of {@code zone} on {@code camera}, or null for the whole frame. */
  static Box zoneBounds(SiteConfig.Camera camera, String zone) {
    if (camera == null || zone == null) {
      return null;
    }
    for (SiteConfig.Zone z : camera.zones()) {
      if (z.name().equals(zone) && !z.polygon().isEmpty()) {
        double x1 = 1;
        double y1 = 1;
        double x2 = 0;
        double y2 = 0;
        for (Point p : z.polygon()) {
          x1 = Math.min(x1, p.x());
          y1 = Math.min(y1, p.y());
          x2 = Math.max(x2, p.x());
          y2 = Math.max(y2, p.y());
        }
        return new Box(x1, y1, x2, y2);
      }
    }
    return null;
  }
}
