package dev.vigil.inference.vision;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.vigil.config.Box;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class HeadLocatorTest {

  private static final double FACE_WIDTH = HeadLocator.PER_FACE_SPREAD * Math.hypot(24, 5);

  /** A frontal pose in a 400 x 200 frame; keypoints in pixels, scores given. */
  private static Pose pose(double faceScore, double shoulderScore) {
    List<Keypoint> k = new ArrayList<>();
    for (int i = 0; i < BodyPart.COUNT; i++) {
      k.add(new Keypoint(0.5, 0.9, 0.0));
    }
    set(k, BodyPart.NOSE, 200, 60, faceScore);
    set(k, BodyPart.LEFT_EYE, 205, 55, faceScore);
    set(k, BodyPart.RIGHT_EYE, 195, 55, faceScore);
    set(k, BodyPart.LEFT_EAR, 212, 57, faceScore);
    set(k, BodyPart.RIGHT_EAR, 188, 57, faceScore);
    set(k, BodyPart.LEFT_SHOULDER, 230, 90, shoulderScore);
    set(k, BodyPart.RIGHT_SHOULDER, 170, 90, shoulderScore);
    return new Pose(new Box(0.4, 0.2, 0.6, 1), 0.8, k);
  }

  private static void set(List<Keypoint> k, BodyPart part, double x, double y, double score) {
    k.set(part.ordinal(), new Keypoint(x / 400, y / 200, score));
  }

  @Test
  void shouldCentreHeadOnFaceAndSizeItFromFaceWhenFaceIsConfident() {
    Box head = HeadLocator.locate(pose(0.9, 0.0), 400, 200);

    assertThat(head).isNotNull();
    // The face keypoints span 24 x 5 px; that beats ears (1.7 x 24) and eyes (3.5 x 10).
    assertThat(head.width() * 400).isCloseTo(FACE_WIDTH, within(1e-9));
    assertThat((head.x1() + head.x2()) / 2 * 400).isCloseTo(200, within(1e-9));
    assertThat(head.height() * 200).isCloseTo(FACE_WIDTH * HeadLocator.ASPECT, within(1e-9));
    // The eyes sit in the upper-middle, leaving room above them for a hard hat.
    double eyeShare = (56.0 / 200 - head.y1()) / head.height();
    assertThat(eyeShare).isCloseTo(HeadLocator.ABOVE_EYES, within(1e-9));
  }

  @Test
  void shouldSizeFromShouldersWhenTheyAreWiderThanTheFaceSuggests() {
    Box head = HeadLocator.locate(pose(0.9, 0.9), 400, 200);

    // Shoulders 60 px apart: 0.68 x 60 = 40.8 px, less than the face says; widen them.
    assertThat(head.width() * 400).isCloseTo(FACE_WIDTH, within(1e-9));
    Pose wide = pose(0.9, 0.9);
    List<Keypoint> k = new ArrayList<>(wide.keypoints());
    set(k, BodyPart.LEFT_SHOULDER, 250, 90, 0.9);
    set(k, BodyPart.RIGHT_SHOULDER, 150, 90, 0.9);
    Box wider = HeadLocator.locate(new Pose(wide.box(), wide.score(), k), 400, 200);
    assertThat(wider.width() * 400).isCloseTo(68, within(1e-9));
  }

  @Test
  void shouldGiveNoHeadWhenFaceKeypointsAreNotConfident() {
    assertThat(HeadLocator.locate(pose(0.1, 0.9), 400, 200)).isNull();
  }
}
