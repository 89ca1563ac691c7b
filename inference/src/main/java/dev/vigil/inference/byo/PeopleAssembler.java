package dev.vigil.inference.byo;

import dev.vigil.config.Box;
import dev.vigil.config.Person;
import dev.vigil.config.Point;
import dev.vigil.config.SiteConfig.Detector.Role;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Turns person, head and helmet boxes into {@link Person}s. Stateless and thread-safe.
 *
 * <ul>
 *   <li>Each person box is a person; its foot is the bottom-centre of the box.
 *   <li>Head and helmet boxes are taken in falling score order. One that overlaps a head already
 *       taken by more than {@link #DUPLICATE_IOU} IoU is the same head seen twice (detectors run
 *       non-maximum suppression per class, so a head can come back as both head and helmet) and is
 *       dropped.
 *   <li>A head goes to the person, still without a head, whose box holds the head's centre in its
 *       upper {@link #UPPER_PART} and overlaps the head most. A helmet box makes {@code
 *       helmet=true} with {@code helmetProbability} its score; a head box makes {@code
 *       helmet=false} with {@code helmetProbability} one minus its score.
 *   <li>A head that no person takes still stands for a person, so counts stay right: its body box
 *       is the head box widened to twice its width (the shoulders) and extended downward to {@link
 *       #BODY_HEADS} head heights, clipped to the frame. Its score is the head's.
 * </ul>
 */
final class PeopleAssembler {

  /** The upper fraction of a person box in which the centre of its head lies. */
  static final double UPPER_PART = 0.5;

  /** Head boxes overlapping more than this are one head. */
  static final double DUPLICATE_IOU = 0.5;

  /** Height of a standing person in head heights, for a head with no person box. */
  static final double BODY_HEADS = 7;

  private PeopleAssembler() {}

  /** The people in these detections, by falling score. Roles other than the three are ignored. */
  static List<Person> people(List<Detection> detections) {
    List<Detection> bodies = new ArrayList<>();
    List<Detection> heads = new ArrayList<>();
    for (Detection d : detections) {
      switch (d.role()) {
        case PERSON -> bodies.add(d);
        case HEAD, HELMET -> heads.add(d);
        case IGNORE -> {}
      }
    }
    Comparator<Detection> byScore = Comparator.comparingDouble(Detection::score).reversed();
    bodies.sort(byScore);
    heads.sort(byScore);

    Person[] withHead = new Person[bodies.size()];
    List<Box> taken = new ArrayList<>();
    List<Person> people = new ArrayList<>();
    for (Detection head : heads) {
      if (taken.stream().anyMatch(t -> t.iou(head.box()) > DUPLICATE_IOU)) {
        continue;
      }
      taken.add(head.box());
      boolean helmet = head.role() == Role.HELMET;
      double probability = helmet ? head.score() : 1 - head.score();
      int owner = owner(head.box(), bodies, withHead);
      if (owner >= 0) {
        withHead[owner] = person(bodies.get(owner)).withHead(head.box(), probability, helmet);
      } else {
        Detection body = new Detection(bodyBelow(head.box()), Role.PERSON, head.score());
        people.add(person(body).withHead(head.box(), probability, helmet));
      }
    }
    for (int i = 0; i < bodies.size(); i++) {
      people.add(withHead[i] != null ? withHead[i] : person(bodies.get(i)));
    }
    people.sort(Comparator.comparingDouble(Person::score).reversed());
    return people;
  }

  /** Index of the free person box that takes this head, or -1. */
  private static int owner(Box head, List<Detection> bodies, Person[] withHead) {
    int best = -1;
    double bestOverlap = -1;
    for (int i = 0; i < bodies.size(); i++) {
      Box b = bodies.get(i).box();
      Box upper = new Box(b.x1(), b.y1(), b.x2(), b.y1() + UPPER_PART * b.height());
      if (withHead[i] != null || !upper.holdsCentreOf(head)) {
        continue;
      }
      // Bodies are in falling score order, so on a tie the more confident person wins.
      double overlap = intersection(head, b);
      if (overlap > bestOverlap) {
        best = i;
        bestOverlap = overlap;
      }
    }
    return best;
  }

  static Box bodyBelow(Box head) {
    double cx = (head.x1() + head.x2()) / 2;
    double w = head.width();
    return new Box(
        Math.max(0, cx - w),
        head.y1(),
        Math.min(1, cx + w),
        Math.min(1, head.y1() + BODY_HEADS * head.height()));
  }

  private static Person person(Detection d) {
    Box b = d.box();
    return Person.detected(b, d.score(), new Point((b.x1() + b.x2()) / 2, b.y2()));
  }

  private static double intersection(Box a, Box b) {
    double w = Math.min(a.x2(), b.x2()) - Math.max(a.x1(), b.x1());
    double h = Math.min(a.y2(), b.y2()) - Math.max(a.y1(), b.y1());
    return w <= 0 || h <= 0 ? 0 : w * h;
  }
}
