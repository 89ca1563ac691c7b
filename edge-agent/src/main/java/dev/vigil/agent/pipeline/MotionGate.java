package dev.vigil.agent.pipeline;

import static org.bytedeco.opencv.global.opencv_core.absdiff;
import static org.bytedeco.opencv.global.opencv_core.countNonZero;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_BGR2GRAY;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_BGRA2GRAY;
import static org.bytedeco.opencv.global.opencv_imgproc.GaussianBlur;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.THRESH_BINARY;
import static org.bytedeco.opencv.global.opencv_imgproc.cvtColor;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;
import static org.bytedeco.opencv.global.opencv_imgproc.threshold;

import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * Skips frames that barely differ from the last frame sent. Each frame is shrunk to {@value #WIDTH}
 * px wide, turned grayscale and blurred; the motion value is the fraction of its pixels whose
 * brightness differs from the last sent frame by more than {@value #PIXEL_DELTA}. A frame is sent
 * when its motion reaches the threshold, or when it is a keyframe: the first frame, a frame whose
 * size changed, or the first frame at least {@code keyframeIntervalS} after the last keyframe.
 * Threshold 0 disables the gate (every frame is sent, motion is still reported).
 *
 * <p>Owns small native buffers: close it. Not thread-safe: one per camera loop.
 */
public final class MotionGate implements AutoCloseable {
  /** Width of the comparison image: small enough to be cheap, large enough to see a person. */
  public static final int WIDTH = 64;

  /** Per-pixel brightness change that counts as changed; above sensor noise and JPEG artefacts. */
  public static final int PIXEL_DELTA = 25;

  /** What to do with one frame. */
  public record Decision(boolean send, double motion, boolean keyframe) {}

  private final double threshold;
  private final long keyframeIntervalMs;
  private final Mat small = new Mat();
  private final Mat gray = new Mat();
  private final Mat diff = new Mat();
  private final Mat reference = new Mat();
  private final Size blur = new Size(3, 3);
  private boolean hasReference;
  private long lastKeyframeMs;
  private long skipped;

  /**
   * @param threshold changed-pixel fraction (0..1) below which a frame is skipped; 0 disables
   * @param keyframeIntervalS send a keyframe at least this often; 0 or less: only the first
   */
  public MotionGate(double threshold, double keyframeIntervalS) {
    this.threshold = Math.max(0, threshold);
    this.keyframeIntervalMs = keyframeIntervalS > 0 ? Math.round(keyframeIntervalS * 1000) : 0;
  }

  /** Decides about a BGR (or BGRA or gray) frame captured at {@code captureTimeMs}. */
  public Decision evaluate(Mat frame, long captureTimeMs) {
    int h = Math.max(1, Math.round((float) WIDTH * frame.rows() / Math.max(1, frame.cols())));
    try (Size size = new Size(WIDTH, h)) {
      resize(frame, small, size, 0, 0, INTER_AREA);
    }
    if (small.channels() == 3) {
      cvtColor(small, gray, COLOR_BGR2GRAY);
    } else if (small.channels() == 4) {
      cvtColor(small, gray, COLOR_BGRA2GRAY);
    } else {
      small.copyTo(gray);
    }
    GaussianBlur(gray, gray, blur, 0);

    boolean comparable =
        hasReference && reference.rows() == gray.rows() && reference.cols() == gray.cols();
    double motion = 0;
    if (comparable) {
      absdiff(gray, reference, diff);
      threshold(diff, diff, PIXEL_DELTA, 255, THRESH_BINARY);
      motion = countNonZero(diff) / (double) (diff.rows() * diff.cols());
    }
    boolean keyframe =
        !comparable
            || (keyframeIntervalMs > 0 && captureTimeMs - lastKeyframeMs >= keyframeIntervalMs);
    boolean send = keyframe || threshold == 0 || motion >= threshold;
    if (send) {
      gray.copyTo(reference);
      hasReference = true;
      if (keyframe) {
        lastKeyframeMs = captureTimeMs;
      }
    } else {
      skipped++;
    }
    return new Decision(send, motion, keyframe);
  }

  /** Frames skipped so far. */
  public long skipped() {
    return skipped;
  }

  @Override
  public void close() {
    small.close();
    gray.close();
    diff.close();
    reference.close();
    blur.close();
  }
}
