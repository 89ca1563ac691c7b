package dev.vigil.inference.vision;

import dev.vigil.config.Point;

/**
 * One body keypoint in normalised frame coordinates (0..1, origin top-left).
 *
 * @param x horizontal position
 * @param y vertical position
 * @param score model confidence 0..1 that the keypoint is where it says and visible
 */
public record Keypoint(double x, double y, double score) {

  public Point point() {
    return new Point(x, y);
  }
}
