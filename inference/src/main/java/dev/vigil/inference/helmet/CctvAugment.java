package dev.vigil.inference.helmet;

import static org.bytedeco.opencv.global.opencv_core.BORDER_REPLICATE;
import static org.bytedeco.opencv.global.opencv_core.CV_32F;
import static org.bytedeco.opencv.global.opencv_core.CV_32FC3;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMWRITE_JPEG_QUALITY;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imdecode;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imencode;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_LINEAR;
import static org.bytedeco.opencv.global.opencv_imgproc.filter2D;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

import java.nio.FloatBuffer;
import java.util.Random;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Point;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * What a fixed camera does to a head, applied to a training crop (S x S x 3 floats, RGB 0..1, HWC,
 * head in the middle as {@link HeadCrop} cuts it): the head shrunk to 8-20 px and scaled back up as
 * perception scales small crops, motion blur, JPEG artefacts at the small size, colour casts,
 * exposure and gamma shifts, and greyscale (night or mono cameras). Stateless; thread-safe.
 */
final class CctvAugment {

  /**
   * How far the colour of a crop is pushed.
   *
   * @param greyShare share of crops turned greyscale
   * @param cast largest gain of one colour channel against the others, e.g. 0.12 for +-12%
   */
  record Colour(double greyShare, double cast) {
    /** What the committed weights were trained with, and what band tuning degrades with. */
    static final Colour DEFAULT = new Colour(0.15, 0.12);

    Colour {
      if (!(greyShare >= 0 && greyShare <= 1) || !(cast >= 0 && cast < 1)) {
        throw new IllegalArgumentException(
            "greyscale share must be in [0, 1] and colour cast in [0, 1), not "
                + greyShare
                + " and "
                + cast);
      }
    }
  }

  /** Share of crops whose head is shrunk to {@link #MIN_HEAD_PX}-{@link #MAX_HEAD_PX} px. */
  static final double SHRINK_SHARE = 0.35;

  static final int MIN_HEAD_PX = 8;
  static final int MAX_HEAD_PX = 20;

  private CctvAugment() {}

  /** Applies a random camera degradation to the crop at {@code off} in place. */
  static void apply(float[] crop, int off, int s, double margin, Colour colour, Random r) {
    apply(crop, off, s, margin, r, SHRINK_SHARE, colour);
  }

  /**
   * As {@link #apply} with the default colour shifts, but the head is always shrunk: a head as a
   * fixed camera sees it.
   */
  static void degrade(float[] crop, int off, int s, double margin, Random r) {
    apply(crop, off, s, margin, r, 1, Colour.DEFAULT);
  }

  private static void apply(
      float[] crop, int off, int s, double margin, Random r, double shrinkShare, Colour colour) {
    int n = s * s * 3;
    try (Mat img = new Mat(s, s, CV_32FC3)) {
      FloatBuffer in = img.createBuffer();
      in.put(crop, off, n);
      Mat cur = img;
      boolean shrink = r.nextDouble() < shrinkShare;
      int k = s;
      if (shrink) {
        double headPx = MIN_HEAD_PX + r.nextDouble() * (MAX_HEAD_PX - MIN_HEAD_PX);
        k = Math.max(4, (int) Math.round(headPx * (1 + 2 * margin)));
        cur = replace(img, cur, resized(cur, k, INTER_AREA));
      }
      if (r.nextDouble() < 0.3) {
        double length = 1.5 + r.nextDouble() * (shrink ? 2 : 5);
        cur = replace(img, cur, motionBlur(cur, length, r.nextDouble() * Math.PI));
      }
      if (r.nextDouble() < (shrink ? 0.6 : 0.3)) {
        cur = replace(img, cur, jpeg(cur, 20 + r.nextInt(66)));
      }
      if (k != s) {
        cur = replace(img, cur, resized(cur, s, INTER_LINEAR));
      }
      FloatBuffer out = cur.createBuffer();
      out.get(crop, off, n);
      if (cur != img) {
        cur.close();
      }
    }
    colour(crop, off, n, colour, r);
  }

  /** Returns {@code next}, closing {@code cur} unless it is the caller's {@code first}. */
  private static Mat replace(Mat first, Mat cur, Mat next) {
    if (cur != first) {
      cur.close();
    }
    return next;
  }

  private static Mat resized(Mat src, int side, int interpolation) {
    Mat dst = new Mat();
    try (Size size = new Size(side, side)) {
      resize(src, dst, size, 0, 0, interpolation);
    }
    return dst;
  }

  /** A line kernel of the given length (pixels) and angle: the smear of a moving head. */
  private static Mat motionBlur(Mat src, double length, double angle) {
    int ks = (int) Math.ceil(length) | 1;
    float[] k = new float[ks * ks];
    double c = (ks - 1) / 2.0;
    int hits = 0;
    for (int i = 0; i <= 4 * ks; i++) {
      double t = -length / 2 + length * i / (4.0 * ks);
      int x = (int) Math.round(c + t * Math.cos(angle));
      int y = (int) Math.round(c + t * Math.sin(angle));
      if (x >= 0 && y >= 0 && x < ks && y < ks && k[y * ks + x] == 0) {
        k[y * ks + x] = 1;
        hits++;
      }
    }
    for (int i = 0; i < k.length; i++) {
      k[i] /= hits;
    }
    Mat dst = new Mat();
    try (Mat kernel = new Mat(ks, ks, CV_32F);
        Point anchor = new Point(-1, -1)) {
      ((FloatBuffer) kernel.createBuffer()).put(k);
      filter2D(src, dst, -1, kernel, anchor, 0, BORDER_REPLICATE);
    }
    return dst;
  }

  /** Round trip through JPEG at the given quality (RGB order does not matter to the codec). */
  private static Mat jpeg(Mat src, int quality) {
    try (Mat bytes8 = new Mat();
        BytePointer buf = new BytePointer();
        IntPointer params = new IntPointer(IMWRITE_JPEG_QUALITY, quality)) {
      src.convertTo(bytes8, CV_8UC3, 255, 0);
      imencode(".jpg", bytes8, buf, params);
      try (Mat encoded = new Mat(1, (int) buf.limit(), CV_8UC1, buf);
          Mat decoded = imdecode(encoded, IMREAD_COLOR)) {
        Mat dst = new Mat();
        decoded.convertTo(dst, CV_32FC3, 1 / 255.0, 0);
        return dst;
      }
    }
  }

  /** Exposure, gamma, a colour cast, and sometimes greyscale. */
  private static void colour(float[] crop, int off, int n, Colour colour, Random r) {
    float gain = (float) (0.6 + 0.8 * r.nextDouble());
    float bias = (float) ((r.nextDouble() * 2 - 1) * 0.12);
    double gamma = Math.exp((r.nextDouble() * 2 - 1) * 0.4);
    float[] cast = new float[3];
    for (int c = 0; c < 3; c++) {
      cast[c] = (float) (1 + (r.nextDouble() * 2 - 1) * colour.cast());
    }
    boolean grey = r.nextDouble() < colour.greyShare();
    for (int i = off; i < off + n; i += 3) {
      float y = 0.299f * crop[i] + 0.587f * crop[i + 1] + 0.114f * crop[i + 2];
      for (int c = 0; c < 3; c++) {
        float v = grey ? y : crop[i + c] * cast[c];
        v = (float) Math.pow(Math.min(1f, Math.max(0f, v)), gamma);
        crop[i + c] = Math.min(1f, Math.max(0f, v * gain + bias));
      }
    }
  }
}
