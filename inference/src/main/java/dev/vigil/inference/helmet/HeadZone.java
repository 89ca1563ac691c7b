package dev.vigil.inference.helmet;

import dev.vigil.config.Box;

/**
 * Where a person's head lies in their body box: the one definition of "a head at the top of a body"
 * for perception and training. Stateless.
 */
public final class HeadZone {

  /**
   * How far down a person's body box their head's centre lies, as a share of its height, when they
   * stand or sit (seated: about a quarter).
   */
  public static final double DEPTH = 0.3;

  private HeadZone() {}

  /** The head zone of a body box at the usual {@link #DEPTH}. */
  public static Box of(Box body) {
    return of(body, DEPTH);
  }

  /**
   * The top of a body box, where its head's centre lies: from a twentieth of the box's height above
   * its top (a pose box may be cut at the forehead) down to {@code depth} of its height.
   */
  public static Box of(Box body, double depth) {
    return new Box(
        body.x1(),
        Math.max(0, body.y1() - 0.05 * body.height()),
        body.x2(),
        body.y1() + depth * body.height());
  }
}
