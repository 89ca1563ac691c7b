package dev.vigil.processor;

import dev.vigil.config.HelmetCounts;
import dev.vigil.config.Person;
import dev.vigil.config.Violation;
import dev.vigil.inference.Scene;
import dev.vigil.inference.prompt.CompiledPrompt;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Builds the evidence of a violation from the people that match the prompt. */
final class RuleEvidence {
  private RuleEvidence() {}

  static Violation.Evidence none() {
    return new Violation.Evidence(List.of(), Map.of(), null, null);
  }

  static Violation.Evidence of(CompiledPrompt prompt, Scene scene) {
    Violation.Evidence e = of(prompt.matching(scene), scene.people());
    return prompt.sound().isPresent()
        ? new Violation.Evidence(e.boxes(), e.counts(), scene.audio(), null)
        : e;
  }

  /** The boxes of {@code matching} (person and head), with the helmet counts of {@code all}. */
  static Violation.Evidence of(List<Person> matching, List<Person> all) {
    List<Violation.LabelledBox> boxes = new ArrayList<>();
    for (Person p : matching) {
      boxes.add(new Violation.LabelledBox("person", p.box(), p.score()));
      if (p.head() != null) {
        String label =
            p.helmet() == null ? "head" : Boolean.TRUE.equals(p.helmet()) ? "helmet" : "no_helmet";
        boxes.add(new Violation.LabelledBox(label, p.head(), p.helmetProbability()));
      }
    }
    return new Violation.Evidence(boxes, HelmetCounts.of(all).toMap(), null, null);
  }
}
