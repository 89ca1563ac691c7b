package dev.vigil.inference.vision;

import dev.vigil.config.Box;
import org.bytedeco.opencv.opencv_core.Rect;

/** Where a normalised {@link Box} falls in the pixels of an image. */
public final class PixelRect {
  private PixelRect() {}

  /**
   * The pixels {@code box} covers in a {@code w} x {@code h} image: rounded outwards, clipped to
   * the image, and at least one pixel wide and high. The caller closes the returned native rect.
   */
  public static Rect of(Box box, int w, int h) {
    int x1 = clamp((int) Math.floor(box.x1() * w), 0, w - 1);
    int y1 = clamp((int) Math.floor(box.y1() * h), 0, h - 1);
    int x2 = clamp((int) Math.ceil(box.x2() * w), x1 + 1, w);
    int y2 = clamp((int) Math.ceil(box.y2() * h), y1 + 1, h);
    return new Rect(x1, y1, x2 - x1, y2 - y1);
  }

  private static int clamp(int v, int lo, int hi) {
    return Math.max(lo, Math.min(hi, v));
  }
}
