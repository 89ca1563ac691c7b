package dev.vigil.inference.vision;

import dev.vigil.config.Box;

/**
 * Places a head box from a pose's keypoints. The box is centred across on the confident face
 * keypoints (nose, eyes, ears); its width is the largest of the estimates from ear distance, eye
 * distance, shoulder width and the spread of the face keypoints (the largest, because turning the
 * head or body only ever shortens them); it is taller than wide and reaches above the eyes far
 * enough to hold a hard hat. Stateless; thread-safe.
 */
public final class HeadLocator {

  /** Keypoint score from which a face keypoint is trusted. */
  public static final double MIN_FACE_SCORE = Pose.CONFIDENT_KEYPOINT;

  /** Face keypoints needed to place a head. */
  public static final int MIN_FACE_KEYPOINTS = 2;

  // Calibrated on the hardhat train split: the mean log size ratio and centre offset of keypoint
  // heads against the labelled heads they overlap.
  static final double PER_EAR_DISTANCE = 1.7;
  static final double PER_EYE_DISTANCE = 3.5;
  static final double PER_SHOULDER_WIDTH = 0.68;
  static final double PER_FACE_SPREAD = 1.9;
  static final double ASPECT = 1.19;
  static final double ABOVE_EYES = 0.6;

  private static final BodyPart[] FACE = {
    BodyPart.NOSE, BodyPart.LEFT_EYE, BodyPart.RIGHT_EYE, BodyPart.LEFT_EAR, BodyPart.RIGHT_EAR
  };

  private HeadLocator() {}

  /**
   * The head box of a pose in normalised frame coordinates, or null when fewer than {@link
   * #MIN_FACE_KEYPOINTS} face keypoints are confident.
   *
   * @param width frame width in pixels (keypoints are normalised per axis)
   * @param height frame height in pixels
   */
  public static Box locate(Pose pose, int width, int height) {
    double sx = 0;
    int n = 0;
    double minX = Double.MAX_VALUE;
    double maxX = -Double.MAX_VALUE;
    double minY = Double.MAX_VALUE;
    double maxY = -Double.MAX_VALUE;
    for (BodyPart part : FACE) {
      Keypoint k = pose.keypoint(part);
      if (k.score() >= MIN_FACE_SCORE) {
        double x = k.x() * width;
        double y = k.y() * height;
        sx += x;
        n++;
        minX = Math.min(minX, x);
        maxX = Math.max(maxX, x);
        minY = Math.min(minY, y);
        maxY = Math.max(maxY, y);
      }
    }
    if (n < MIN_FACE_KEYPOINTS) {
      return null;
    }
    double size = PER_FACE_SPREAD * Math.hypot(maxX - minX, maxY - minY);
    size =
        Math.max(
            size,
            PER_EAR_DISTANCE
                * distance(pose, BodyPart.LEFT_EAR, BodyPart.RIGHT_EAR, width, height));
    size =
        Math.max(
            size,
            PER_EYE_DISTANCE
                * distance(pose, BodyPart.LEFT_EYE, BodyPart.RIGHT_EYE, width, height));
    size =
        Math.max(
            size,
            PER_SHOULDER_WIDTH
                * distance(pose, BodyPart.LEFT_SHOULDER, BodyPart.RIGHT_SHOULDER, width, height));
    double cx = sx / n;
    double eyeY = eyeLevel(pose, height, size);
    double h = size * ASPECT;
    double top = eyeY - ABOVE_EYES * h;
    return new Box(
        clamp((cx - size / 2) / width),
        clamp(top / height),
        clamp((cx + size / 2) / width),
        clamp((top + h) / height));
  }

  /** Mean height of the confident eyes and ears, else a little above the nose. */
  private static double eyeLevel(Pose pose, int height, double size) {
    double y = 0;
    int n = 0;
    for (BodyPart part :
        new BodyPart[] {
          BodyPart.LEFT_EYE, BodyPart.RIGHT_EYE, BodyPart.LEFT_EAR, BodyPart.RIGHT_EAR
        }) {
      Keypoint k = pose.keypoint(part);
      if (k.score() >= MIN_FACE_SCORE) {
        y += k.y() * height;
        n++;
      }
    }
    if (n > 0) {
      return y / n;
    }
    return pose.keypoint(BodyPart.NOSE).y() * height - 0.12 * size;
  }

  /** Pixel distance of two keypoints, or 0 unless both are confident. */
  private static double distance(Pose pose, BodyPart a, BodyPart b, int width, int height) {
    Keypoint ka = pose.keypoint(a);
    Keypoint kb = pose.keypoint(b);
    if (ka.score() < MIN_FACE_SCORE || kb.score() < MIN_FACE_SCORE) {
      return 0;
    }
    return Math.hypot((ka.x() - kb.x()) * width, (ka.y() - kb.y()) * height);
  }

  private static double clamp(double v) {
    return Math.min(1, Math.max(0, v));
  }
}
