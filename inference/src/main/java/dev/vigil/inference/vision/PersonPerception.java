package dev.vigil.inference.vision;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imdecode;

import dev.vigil.config.Box;
import dev.vigil.config.Person;
import dev.vigil.config.Point;
import dev.vigil.inference.FrameAnalysis;
import dev.vigil.inference.FrameAnalyzer;
import dev.vigil.inference.UndecodableFrameException;
import dev.vigil.inference.helmet.HeadDetector;
import dev.vigil.inference.helmet.HeadZone;
import dev.vigil.inference.helmet.HelmetClassifier;
import dev.vigil.inference.model.ModelStore;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Person perception for one frame: decodes the image with OpenCV (libjpeg-turbo), finds people with
 * {@link PoseDetector}, and reports each as a {@link Person} with body box, score and foot point.
 * With a {@link HelmetClassifier}, each person whose face keypoints are confident also gets a head
 * box ({@link HeadLocator}), a helmet probability and a helmet judgement ({@link
 * HelmetClassifier#decide}); the others keep a null head and an unknown helmet. When the pose
 * detector also runs a {@link HeadDetector} (in the same forward pass), heads come from it: the
 * keypoints only say which detected head belongs to which body, detected heads give heads to people
 * seen from behind, and add the people of a crowd whose bodies the pose model does not report. The
 * helmet probability is the crop classifier's alone: the head detector's own helmet estimate was
 * trained on close-up construction photos only, and on real CCTV it called bare heads helmets (see
 * the helmet README).
 *
 * <p>Ownership and lifecycle: owns its {@link PoseDetector} and {@link HelmetClassifier}
 * (TensorFlow sessions) and closes them in {@link #close()}. Thread safety: {@link #analyze} may be
 * called from several threads at once.
 */
public final class PersonPerception implements FrameAnalyzer {

  /**
   * Default pose score from which a pose counts as a person. Chosen on the real frames in {@code
   * shared/data/frames}: see {@code PersonPerceptionTest}.
   */
  public static final double DEFAULT_MIN_SCORE = 0.15;

  /**
   * The head-detector score from which a head with no body seen counts as a person. Separate from
   * the detector's own threshold ({@code HeadDetector.DEFAULT_MIN_SCORE}, also 0.4): a site may
   * lower that to confirm more heads on seen bodies, but nothing else confirms a head alone. Head
   * F1 on the TUNE split with 0.35 / 0.4 / 0.45 / 0.5: 0.768 / 0.768 / 0.750 / 0.734. It also keeps
   * a 0.34 false head in the warehouse ceiling of the worker-zone frames from becoming a second
   * worker.
   */
  public static final double HEAD_ONLY_MIN_SCORE = 0.4;

  private final PoseDetector detector;
  private final double minScore;
  private final HelmetClassifier helmets;

  /** Wraps a detector, which this object then owns; people get no heads. */
  public PersonPerception(PoseDetector detector, double minScore) {
    this(detector, minScore, null);
  }

  /**
   * Wraps a detector and a helmet classifier, which this object then owns. Without a {@link
   * HeadDetector} in the pose detector, heads come from the pose keypoints. With one, a detected
   * head that overlaps a pose's keypoint head (IoU at least 0.3), or else sits at the top of its
   * body, becomes that person's head, and a pose with neither has no head; any other detected head
   * is a person whose body is not seen, with the head box as their box, the detector's score, and a
   * foot point estimated six head heights below the head.
   *
   * @param helmets the classifier, or null to leave heads out
   */
  public PersonPerception(PoseDetector detector, double minScore, HelmetClassifier helmets) {
    this.detector = detector;
    this.minScore = minScore;
    this.helmets = helmets;
  }

  /**
   * Loads MoveNet MultiPose from the store, and the helmet classifier and (when its weights ship)
   * the head detector from the classpath.
   *
   * @param intraOpThreads TensorFlow intra-op threads (process-wide: the first session wins)
   */
  public static PersonPerception open(ModelStore store, int intraOpThreads) {
    return open(store, intraOpThreads, HeadDetector.isBundled());
  }

  /**
   * Loads MoveNet MultiPose from the store and the helmet classifier from the classpath.
   *
   * @param withHeadDetector whether to add the bundled head detector for crowds
   */
  public static PersonPerception open(
      ModelStore store, int intraOpThreads, boolean withHeadDetector) {
    // The pose model's session first: TensorFlow sizes its process-wide thread pools from the
    // first session, and the pose model is where the time goes.
    PoseDetector detector =
        PoseDetector.open(store, intraOpThreads, withHeadDetector ? HeadDetector.bundled() : null);
    try {
      return new PersonPerception(detector, DEFAULT_MIN_SCORE, HelmetClassifier.open());
    } catch (RuntimeException e) {
      detector.close();
      throw e;
    }
  }

  /** Like {@link #open} but without heads and helmets: the bare person model. */
  public static PersonPerception openBare(ModelStore store, int intraOpThreads) {
    return new PersonPerception(PoseDetector.open(store, intraOpThreads), DEFAULT_MIN_SCORE);
  }

  @Override
  public FrameAnalysis analyze(byte[] encodedImage) {
    return analyzePoses(encodedImage).analysis();
  }

  /**
   * Like {@link #analyze(byte[])}, judging helmets only on heads of at least {@code minHeadPx}
   * pixels (long side; 0 = {@link HelmetClassifier#MIN_HEAD_PIXELS}): a camera's {@code
   * min_head_px}.
   */
  @Override
  public FrameAnalysis analyze(byte[] encodedImage, int minHeadPx) {
    return analyzePoses(encodedImage, minHeadPx).analysis();
  }

  /**
   * An analysis together with the poses behind its people: the first {@code poses.size()} people,
   * in the same order; any further people are heads found without a pose.
   */
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
    return analyzePoses(encodedImage, 0);
  }

  /**
   * Like {@link #analyzePoses(byte[])} with a smallest judged head, as {@link #analyze(byte[],
   * int)}.
   */
  public PoseAnalysis analyzePoses(byte[] encodedImage, int minHeadPx) {
    if (minHeadPx < 0) {
      throw new IllegalArgumentException("minHeadPx must be at least 0, not " + minHeadPx);
    }
    int minHead = minHeadPx == 0 ? HelmetClassifier.MIN_HEAD_PIXELS : minHeadPx;
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
      Map<String, Double> timings = new HashMap<>();
      timings.put("decode", decodeMs);
      timings.put("preprocess", detection.preprocessMs());
      timings.put("model", detection.modelMs());
      if (helmets != null) {
        long h0 = System.nanoTime();
        people = withHeads(bgr, detection.poses(), detection.heads(), people, minHead);
        timings.put("helmet", (System.nanoTime() - h0) / 1e6);
      }
      FrameAnalysis analysis = new FrameAnalysis(bgr.cols(), bgr.rows(), people, timings);
      return new PoseAnalysis(analysis, detection.poses());
    } catch (RuntimeException e) {
      if (e instanceof UndecodableFrameException || !isOpenCvError(e)) {
        throw e;
      }
      throw new UndecodableFrameException(
          "Frame of " + encodedImage.length + " bytes cannot be decoded: " + e.getMessage());
    }
  }

  /**
   * Whether a detected head lies inside a seen body below its head zone. A person's body holds one
   * head, at the top; a "head" on someone's torso is a hand, a bag or a hat being carried, not
   * another person, and counting it would invent one.
   */
  private static boolean belowTheHeadOfSomeone(Box head, List<Pose> poses) {
    for (Pose pose : poses) {
      Box body = pose.box();
      if (body.holdsCentreOf(head) && !HeadZone.of(body).holdsCentreOf(head)) {
        return true;
      }
    }
    return false;
  }

  private List<Person> withHeads(
      Mat bgr,
      List<Pose> poses,
      List<HeadDetector.DetectedHead> found,
      List<Person> people,
      int minHeadPx) {
    List<Box> toJudge = new ArrayList<>();
    List<Integer> judged = new ArrayList<>();
    List<Box> byPerson = new ArrayList<>();

    List<Person> out = new ArrayList<>(people);
    for (Pose pose : poses) {
      byPerson.add(HeadLocator.locate(pose, bgr.cols(), bgr.rows()));
    }
    boolean[] used = new boolean[found.size()];
    for (int i = 0; i < poses.size(); i++) {
      Box k = byPerson.get(i);
      int best = -1;
      double bestIou = 0.3;
      for (int d = 0; k != null && d < found.size(); d++) {
        double iou = found.get(d).box().iou(k);
        if (!used[d] && iou >= bestIou) {
          best = d;
          bestIou = iou;
        }
      }
      if (best >= 0) {
        used[best] = true;
        byPerson.set(i, found.get(best).box());
      } else if (detector.detectsHeads()) {
        // The detector saw no head there: a keypoint head it does not confirm was mostly wrong
        // on the tuning split (precision 0.78 with them, 0.83 without, same recall).
        byPerson.set(i, null);
      }
    }
    // A person whose face is not seen (from behind, say) takes the detected head at the top of
    // their body box, so one person is not counted twice.
    for (int i = 0; i < poses.size(); i++) {
      Box zone = HeadZone.of(poses.get(i).box());
      for (int d = 0; byPerson.get(i) == null && d < found.size(); d++) {
        Box h = found.get(d).box();
        if (!used[d] && zone.holdsCentreOf(h)) {
          used[d] = true;
          byPerson.set(i, h);
        }
      }
    }
    for (int d = 0; d < found.size(); d++) {
      if (!used[d]
          && found.get(d).score() >= HEAD_ONLY_MIN_SCORE
          && !belowTheHeadOfSomeone(found.get(d).box(), poses)) {
        Box h = found.get(d).box();
        Point foot = new Point((h.x1() + h.x2()) / 2, Math.min(1, h.y2() + 6 * h.height()));
        out.add(Person.detected(h, found.get(d).score(), foot));
        byPerson.add(h);
      }
    }
    for (int i = 0; i < out.size(); i++) {
      Box head = byPerson.get(i);
      if (head != null && head.longSidePx(bgr.cols(), bgr.rows()) >= minHeadPx) {
        toJudge.add(head);
        judged.add(i);
      }
    }
    float[] p = helmets.predict(bgr, toJudge);
    for (int i = 0; i < out.size(); i++) {
      if (byPerson.get(i) != null) {
        out.set(i, out.get(i).withHead(byPerson.get(i), null, null));
      }
    }
    for (int j = 0; j < judged.size(); j++) {
      int i = judged.get(j);
      double q = p[j];
      Box head = byPerson.get(i);
      Boolean helmet = HelmetClassifier.decide(q, bandSizePx(head, bgr.cols(), bgr.rows()));
      out.set(i, out.get(i).withHead(head, q, helmet));
    }
    return out;
  }

  /**
   * The size by which a head's abstention band is chosen: its box's long side in frame pixels, or 0
   * (a small head) when the head detector's box is too small in the detector's input to measure the
   * head ({@link HeadDetector#SMALLEST_MEASURED_PX}). Without that floor, the same small head would
   * be judged with the large heads' band on a camera with more pixels.
   */
  double bandSizePx(Box head, int width, int height) {
    double px = head.longSidePx(width, height);
    double inputPx = px * detector.longSide() / Math.max(width, height);
    return detector.detectsHeads() && inputPx < HeadDetector.SMALLEST_MEASURED_PX ? 0 : px;
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
    try {
      detector.close();
    } finally {
      if (helmets != null) {
        helmets.close();
      }
    }
  }
}
