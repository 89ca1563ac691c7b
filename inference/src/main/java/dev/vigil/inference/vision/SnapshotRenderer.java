package dev.vigil.inference.vision;

import dev.vigil.config.Box;
import dev.vigil.config.Person;
import dev.vigil.inference.UndecodableFrameException;
import java.util.List;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * Renders a privacy-safe snapshot of a frame: every head is pixelated beyond recognition, then the
 * people's boxes are drawn (green: helmet, red: no helmet, amber: unknown). Stateless and
 * thread-safe; all OpenCV buffers are released before returning.
 */
public final class SnapshotRenderer {
  private static final int BLOCKS = 6;

  private SnapshotRenderer() {}

  /**
   * Decodes {@code jpeg}, hides faces and draws the boxes.
   *
   * @param people the people seen in this frame, boxes normalised to it
   * @return a JPEG of the same size
   * @throws UndecodableFrameException when the bytes are not an image
   */
  public static byte[] render(byte[] jpeg, List<Person> people) {
    try (BytePointer in = new BytePointer(jpeg);
        Mat raw = new Mat(1, jpeg.length, org.bytedeco.opencv.global.opencv_core.CV_8UC1, in);
        Mat img = opencv_imgcodecs.imdecode(raw, opencv_imgcodecs.IMREAD_COLOR)) {
      if (img == null || img.empty()) {
        throw new UndecodableFrameException("snapshot bytes are not an image");
      }
      for (Person p : people) {
        pixelate(img, faceRegion(p));
      }
      for (Person p : people) {
        Scalar colour =
            p.helmet() == null
                ? new Scalar(37, 168, 249, 0)
                : p.helmet() ? new Scalar(50, 125, 46, 0) : new Scalar(40, 40, 198, 0);
        try (Rect r = rect(img, p.box())) {
          opencv_imgproc.rectangle(img, r, colour, 2, opencv_imgproc.LINE_8, 0);
        }
      }
      try (BytePointer out = new BytePointer();
          IntPointer params = new IntPointer(opencv_imgcodecs.IMWRITE_JPEG_QUALITY, 80)) {
        opencv_imgcodecs.imencode(".jpg", img, out, params);
        byte[] bytes = new byte[(int) out.limit()];
        out.get(bytes);
        return bytes;
      }
    }
  }

  /**
   * The head box when known; otherwise the top fifth of the body box, where a face would be. Grown
   * by a margin so no part of a face survives a slightly low box.
   */
  static Box faceRegion(Person p) {
    Box b = p.head();
    if (b == null) {
      Box body = p.box();
      b = new Box(body.x1(), body.y1(), body.x2(), body.y1() + 0.2 * body.height());
    }
    double mx = 0.15 * b.width();
    double my = 0.15 * b.height();
    return new Box(b.x1() - mx, b.y1() - my, b.x2() + mx, b.y2() + my);
  }

  private static Rect rect(Mat img, Box b) {
    return PixelRect.of(b, img.cols(), img.rows());
  }

  /** Replaces the region by a coarse mosaic: shrink to a few blocks, then grow back. */
  private static void pixelate(Mat img, Box region) {
    try (Rect r = rect(img, region);
        Mat roi = new Mat(img, r);
        Mat small = new Mat();
        Size tiny = new Size(Math.min(BLOCKS, r.width()), Math.min(BLOCKS, r.height()))) {
      opencv_imgproc.resize(roi, small, tiny, 0, 0, opencv_imgproc.INTER_AREA);
      try (Size full = new Size(r.width(), r.height())) {
        opencv_imgproc.resize(small, roi, full, 0, 0, opencv_imgproc.INTER_NEAREST);
      }
    }
  }
}
