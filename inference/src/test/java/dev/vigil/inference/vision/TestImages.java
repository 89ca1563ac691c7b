package dev.vigil.inference.vision;

import java.util.Random;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.opencv_core.Mat;

/** JPEG frames for tests that look at what was done to pixels, such as pixelated heads. */
public final class TestImages {
  private TestImages() {}

  /**
   * A {@code w} x {@code h} JPEG of random colour noise from {@code seed}: every region has a high
   * variance until something smooths it.
   */
  public static byte[] noiseJpeg(int w, int h, long seed) {
    byte[] px = new byte[w * h * 3];
    new Random(seed).nextBytes(px);
    try (Mat img = new Mat(h, w, opencv_core.CV_8UC3);
        BytePointer out = new BytePointer()) {
      img.data().put(px);
      opencv_imgcodecs.imencode(".jpg", img, out);
      byte[] b = new byte[(int) out.limit()];
      out.get(b);
      return b;
    }
  }

  /** {@code jpeg} decoded to one grey channel; the caller closes the image. */
  public static Mat decodeGrey(byte[] jpeg) {
    try (BytePointer in = new BytePointer(jpeg);
        Mat raw = new Mat(1, jpeg.length, opencv_core.CV_8UC1, in)) {
      return opencv_imgcodecs.imdecode(raw, opencv_imgcodecs.IMREAD_GRAYSCALE);
    }
  }
}
