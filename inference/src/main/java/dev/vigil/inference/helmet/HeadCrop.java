package dev.vigil.inference.helmet;

import static org.bytedeco.opencv.global.opencv_core.BORDER_REPLICATE;
import static org.bytedeco.opencv.global.opencv_core.CV_32FC3;
import static org.bytedeco.opencv.global.opencv_core.copyMakeBorder;
import static org.bytedeco.opencv.global.opencv_core.flip;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_BGR2RGB;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_LINEAR;
import static org.bytedeco.opencv.global.opencv_imgproc.cvtColor;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

import dev.vigil.config.Box;
import java.nio.FloatBuffer;
import java.util.Arrays;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * Cuts the square, RGB, 0..1 float crop around a head that the helmet classifier sees. The square
 * is centred on the head box, its side is the box's longer side plus a context margin on each side,
 * and any part outside the frame repeats the frame's border pixels. Stateless; thread-safe.
 */
public final class HeadCrop {

  /** Context added on each side of a head box, as a share of its longer side. */
  public static final double DEFAULT_MARGIN = 0.15;

  private HeadCrop() {}

  /**
   * Writes the crop of a normalised head box into {@code dst} (size x size x 3 floats, RGB, HWC).
   *
   * @param bgr the frame, 8-bit BGR; not modified
   */
  public static void extract(Mat bgr, Box head, double margin, int size, float[] dst, int offset) {
    double w = head.width() * bgr.cols();
    double h = head.height() * bgr.rows();
    double cx = (head.x1() + head.x2()) / 2 * bgr.cols();
    double cy = (head.y1() + head.y2()) / 2 * bgr.rows();
    double side = Math.max(w, h) * (1 + 2 * margin);
    extract(bgr, cx, cy, side, false, size, dst, offset);
  }

  /**
   * Writes the crop of a square given in pixels into {@code dst}.
   *
   * @param cx centre x in pixels
   * @param cy centre y in pixels
   * @param side side of the square in pixels
   * @param mirror whether to flip the crop left-right
   */
  public static void extract(
      Mat bgr,
      double cx,
      double cy,
      double side,
      boolean mirror,
      int size,
      float[] dst,
      int offset) {
    int s = Math.max(2, (int) Math.round(side));
    int x0 = (int) Math.round(cx - s / 2.0);
    int y0 = (int) Math.round(cy - s / 2.0);
    int ix0 = Math.max(0, x0);
    int iy0 = Math.max(0, y0);
    int ix1 = Math.min(bgr.cols(), x0 + s);
    int iy1 = Math.min(bgr.rows(), y0 + s);
    int n = size * size * 3;
    if (ix1 <= ix0 || iy1 <= iy0) {
      // Entirely outside the frame: nothing to see.
      Arrays.fill(dst, offset, offset + n, 0f);
      return;
    }
    try (Rect rect = new Rect(ix0, iy0, ix1 - ix0, iy1 - iy0);
        Mat roi = new Mat(bgr, rect);
        Mat square = new Mat();
        Mat resized = new Mat();
        Mat flipped = new Mat();
        Mat rgb = new Mat();
        Mat floats = new Mat();
        Size target = new Size(size, size)) {
      copyMakeBorder(roi, square, iy0 - y0, y0 + s - iy1, ix0 - x0, x0 + s - ix1, BORDER_REPLICATE);
      resize(square, resized, target, 0, 0, s > size ? INTER_AREA : INTER_LINEAR);
      Mat src = resized;
      if (mirror) {
        flip(resized, flipped, 1);
        src = flipped;
      }
      cvtColor(src, rgb, COLOR_BGR2RGB);
      rgb.convertTo(floats, CV_32FC3, 1 / 255.0, 0);
      FloatBuffer fb = floats.createBuffer();
      fb.get(dst, offset, n);
    }
  }
}
