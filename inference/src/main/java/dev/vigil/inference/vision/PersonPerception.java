package dev.vigil.inference.vision;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imdecode;

import dev.vigil.config.Person;
import dev.vigil.inference.FrameAnalysis;
import dev.vigil.inference.FrameAnalyzer;
import dev.vigil.inference.UndecodableFrameException;
import dev.vigil.inference.model.ModelStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Person perception for one frame: decodes the image with OpenCV (libjpeg-turbo), finds people with
 * {@link PoseDetector}, and reports each as a {@link Person} with body box, score and foot point.
 *
 * <p>Ownership and lifecycle: owns its {@link PoseDetector} (a TensorFlow session) and closes it in
 * {@link #close()}. Thread safety: {@link #analyze} may be called from several threads at once.
 */
public final class PersonPerception implements FrameAnalyzer {

  /**
   * Default pose score from which a pose counts as a person. Chosen on the real frames in {@code
   * shared/data/frames}: see {@code PersonPerceptionTest}.
   */
  public static final double DEFAULT_MIN_SCORE = 0.15;

  private final PoseDetector detector;
  private final double minScore;

  /** Wraps a detector, which this object then owns. */
  public PersonPerception(PoseDetector detector, double minScore) {
    this.detector = detector;
    this.minScore = minScore;
  }

  /**
   * Loads MoveNet MultiPose from the store.
   *
   * @param intraOpThreads TensorFlow intra-op threads (process-wide: the first session wins)
   */
  public static PersonPerception open(ModelStore store, int intraOpThreads) {
    return new PersonPerception(PoseDetector.open(store, intraOpThreads), DEFAULT_MIN_SCORE);
  }

  @Override
  public FrameAnalysis analyze(byte[] encodedImage) {
    return analyzePoses(encodedImage).analysis();
  }

  /** An analysis together with the poses behind its people (same order). */
  public record PoseAnalysis(FrameAnalysis analysis, List<Pose> poses) {
    public PoseAnalysis {
      poses = List.copyOf(poses);
    }
  }

  /**
   * Like {@link #analyze} but also returns the keypoints, for head and helmet work.
   *
   * @throws UndecodableFrameException when the bytes are not a decodable image
   */
  public PoseAnalysis analyzePoses(byte[] encodedImage) {
    if (encodedImage == null || encodedImage.length == 0) {
      throw new UndecodableFrameException("Frame is empty: 0 bytes, expected a JPEG");
    }
    long t0 = System.nanoTime();
    try (BytePointer bytes = new BytePointer(encodedImage);
        Mat buf = new Mat(1, encodedImage.length, CV_8UC1, bytes);
        Mat bgr = imdecode(buf, IMREAD_COLOR)) {
      if (bgr == null || bgr.empty()) {
        throw new UndecodableFrameException(
            "Frame of "
                + encodedImage.length
                + " bytes is not an image OpenCV can decode (starts with "
                + head(encodedImage)
                + ")");
      }
      double decodeMs = (System.nanoTime() - t0) / 1e6;
      PoseDetector.Detection detection = detector.detect(bgr, minScore);
      List<Person> people = new ArrayList<>(detection.poses().size());
      for (Pose pose : detection.poses()) {
        people.add(pose.toPerson());
      }
      FrameAnalysis analysis =
          new FrameAnalysis(
              bgr.cols(),
              bgr.rows(),
              people,
              Map.of(
                  "decode", decodeMs,
                  "preprocess", detection.preprocessMs(),
                  "model", detection.modelMs()));
      return new PoseAnalysis(analysis, detection.poses());
    } catch (RuntimeException e) {
      if (e instanceof UndecodableFrameException || !isOpenCvError(e)) {
        throw e;
      }
      throw new UndecodableFrameException(
          "Frame of " + encodedImage.length + " bytes cannot be decoded: " + e.getMessage());
    }
  }

  private static boolean isOpenCvError(RuntimeException e) {
    return e.getClass().getName().equals("java.lang.RuntimeException")
        && e.getMessage() != null
        && e.getMessage().contains("OpenCV");
  }

  private static String head(byte[] b) {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < Math.min(4, b.length); i++) {
      s.append(String.format("%02x", b[i] & 0xff));
    }
    return "0x" + s;
  }

  @Override
  public void close() {
    detector.close();
  }
}
