package dev.vigil.config;

/**
 * An axis-aligned box in normalised image coordinates (0..1, origin top-left).
 *
 * @param x1 left
 * @param y1 top
 * @param x2 right
 * @param y2 bottom
 */
public record Box(double x1, double y1, double x2, double y2) {

  public double width() {
    return Math.max(0, x2 - x1);
  }

  public double height() {
    return Math.max(0, y2 - y1);
  }

  public double area() {
    return width() * height();
  }

  /** The longer of this box's sides in pixels, in a frame of the given size. */
  public double longSidePx(int frameWidth, int frameHeight) {
    return Math.max(width() * frameWidth, height() * frameHeight);
  }

  /** Whether another box's centre lies in this box (edges included). */
  public boolean holdsCentreOf(Box o) {
    double cx = (o.x1 + o.x2) / 2;
    double cy = (o.y1 + o.y2) / 2;
    return cx >= x1 && cx <= x2 && cy >= y1 && cy <= y2;
  }

  /** Intersection over union with another box; 0 when either is empty. */
  public double iou(Box o) {
    double iw = Math.min(x2, o.x2) - Math.max(x1, o.x1);
    double ih = Math.min(y2, o.y2) - Math.max(y1, o.y1);
    if (iw <= 0 || ih <= 0) {
      return 0;
    }
    double inter = iw * ih;
    double union = area() + o.area() - inter;
    return union <= 0 ? 0 : inter / union;
  }
}
