package dev.vigil.processor.scene;

import dev.vigil.config.Point;
import java.util.List;

/** Point-in-polygon by ray casting, in normalised coordinates. */
final class Polygon {
  private Polygon() {}

  static boolean contains(List<Point> polygon, Point p) {
    boolean inside = false;
    int n = polygon.size();
    for (int i = 0, j = n - 1; i < n; j = i++) {
      Point a = polygon.get(i);
      Point b = polygon.get(j);
      boolean crosses = (a.y() > p.y()) != (b.y() > p.y());
      if (crosses && p.x() < (b.x() - a.x()) * (p.y() - a.y()) / (b.y() - a.y()) + a.x()) {
        inside = !inside;
      }
    }
    return inside;
  }
}
