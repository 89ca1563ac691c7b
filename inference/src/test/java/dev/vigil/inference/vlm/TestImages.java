package dev.vigil.inference.vlm;

import static org.bytedeco.opencv.global.opencv_imgcodecs.imencode;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;

/** Small JPEGs made with OpenCV, for tests. */
public final class TestImages {
  private TestImages() {}

  /** A grey JPEG of {@code w} x {@code h}. */
  public static byte[] jpeg(int w, int h) {
    try (Mat m = new Mat(h, w, opencv_core.CV_8UC3, new Scalar(90, 120, 150, 0));
        BytePointer out = new BytePointer()) {
      imencode(".jpg", m, out);
      byte[] b = new byte[(int) out.limit()];
      out.get(b);
      return b;
    }
  }
}
