package dev.vigil.inference.vlm;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMWRITE_JPEG_QUALITY;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imdecode;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imencode;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

import dev.vigil.config.Box;
import dev.vigil.inference.UndecodableFrameException;
import dev.vigil.inference.vision.PixelRect;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * Makes the image the model sees: the frame, or the crop of one zone, scaled down so its long side
 * is at most {@code vlm.image_px}, as a JPEG of {@code vlm.jpeg_quality}. Fewer pixels are fewer
 * tokens and a faster answer. Stateless and thread-safe.
 */
public final class VlmImage {
  private VlmImage() {}

  /**
   * The image to send.
   *
   * @param jpeg the frame as the camera sent it
   * @param crop the part to keep in normalised coordinates, or null for the whole frame
   * @param maxPx the long side at most, in pixels
   * @param quality JPEG quality 1..100
   * @throws UndecodableFrameException when {@code jpeg} is not an image
   */
  public static byte[] prepare(byte[] jpeg, Box crop, int maxPx, int quality) {
    try (BytePointer in = new BytePointer(jpeg);
        Mat buf = new Mat(1, jpeg.length, CV_8UC1, in);
        Mat frame = imdecode(buf, IMREAD_COLOR)) {
      if (frame == null || frame.empty()) {
        throw new UndecodableFrameException(
            "frame of " + jpeg.length + " bytes is not an image OpenCV can decode");
      }
      try (Rect r = rect(crop, frame.cols(), frame.rows());
          Mat part = new Mat(frame, r);
          Mat scaled = scaled(part, maxPx);
          BytePointer out = new BytePointer();
          IntPointer params = new IntPointer(IMWRITE_JPEG_QUALITY, quality)) {
        imencode(".jpg", scaled, out, params);
        byte[] bytes = new byte[(int) out.limit()];
        out.get(bytes);
        return bytes;
      }
    }
  }

  private static Rect rect(Box crop, int w, int h) {
    if (crop == null) {
      return new Rect(0, 0, w, h);
    }
    return PixelRect.of(crop, w, h);
  }

  private static Mat scaled(Mat part, int maxPx) {
    int longSide = Math.max(part.cols(), part.rows());
    if (longSide <= maxPx) {
      return part.clone();
    }
    double f = (double) maxPx / longSide;
    Mat out = new Mat();
    try (Size size =
        new Size(
            Math.max(1, (int) Math.round(part.cols() * f)),
            Math.max(1, (int) Math.round(part.rows() * f)))) {
      resize(part, out, size, 0, 0, INTER_AREA);
    }
    return out;
  }
}
