package dev.vigil.inference.vision;

import dev.vigil.config.Box;
import dev.vigil.config.Person;
import dev.vigil.config.Point;
import java.util.List;

/**
 * One person as the pose detector sees them, in normalised frame coordinates. Immutable.
 *
 * @param box the body box
 * @param score detection confidence 0..1
 * @param keypoints the 17 keypoints, indexed by {@link BodyPart#ordinal()}
 */
public record Pose(Box box, double score, List<Keypoint> keypoints) {

  /** Keypoint score from which a keypoint counts as seen (MoveNet's own demo uses 0.3). */
  public static final double CONFIDENT_KEYPOINT = 0.3;

  public Pose {
    keypoints = List.copyOf(keypoints);
    if (keypoints.size() != BodyPart.COUNT) {
      throw new IllegalArgumentException(
          "A pose has " + BodyPart.COUNT + " keypoints, not " + keypoints.size());
    }
  }

  public Keypoint keypoint(BodyPart part) {
    return keypoints.get(part.ordinal());
  }

  /**
   * The point the person stands on: the mean of the ankles seen with at least {@link
   * #CONFIDENT_KEYPOINT}, else the bottom-centre of the box.
   */
  public Point foot() {
    double x = 0;
    double y = 0;
    int n = 0;
    for (BodyPart part : new BodyPart[] {BodyPart.LEFT_ANKLE, BodyPart.RIGHT_ANKLE}) {
      Keypoint k = keypoint(part);
      if (k.score() >= CONFIDENT_KEYPOINT) {
        x += k.x();
        y += k.y();
        n++;
      }
    }
    if (n == 0) {
      return new Point((box.x1() + box.x2()) / 2, box.y2());
    }
    return new Point(x / n, y / n);
  }

  /** This pose as a detected {@link Person}: box, score and foot; no head judgement yet. */
  public Person toPerson() {
    return Person.detected(box, score, foot());
  }
}
