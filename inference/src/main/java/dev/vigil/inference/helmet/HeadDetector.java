package dev.vigil.inference.helmet;

import dev.vigil.config.Box;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * Finds heads (with or without a hard hat) directly, bodies or not: the trained {@link HeadNet} on
 * the features of the pose model's own forward pass. It sees crowds that the pose model, which
 * reports at most six people, cannot, and costs a few percent of the pose model.
 *
 * <p>The detector has no session of its own: {@link #attach} adds it to the graph that runs MoveNet
 * (see {@code PoseDetector}), and {@link #decode} turns the fetched output into heads. Immutable
 * and thread-safe.
 */
public final class HeadDetector {

  /**
   * Default centre score from which a head is reported (and, with no body seen, counts as a
   * person). Chosen among 0.3/0.4/0.5 by head F1 of full perception on the TUNE split with a
   * detector trained on FIT (see {@code helmet/README.md}), never on the validation split.
   */
  public static final double DEFAULT_MIN_SCORE = 0.4;

  /**
   * Long side, in pixels of the detector's input, under which a head box says how big a head is at
   * most but not how big it is. The detector hardly returns a box under 5-7 px there, however small
   * the head (the smallest on the tune images: 5.8 px; on {@code vtest.avi}: 4.9-7 px around heads
   * of 2-4 px), so on a 1080p frame a head of a few pixels gets a box of about 40.
   */
  public static final double SMALLEST_MEASURED_PX = 8;

  private final HelmetWeights weights;

  private HeadDetector(HelmetWeights weights) {
    this.weights = weights;
  }

  /** Whether the detector's weights ship on the classpath. */
  public static boolean isBundled() {
    return HeadDetector.class.getResource(HelmetWeights.Kind.DETECTOR.manifest) != null;
  }

  /** The detector whose weights ship on the classpath. */
  public static HeadDetector bundled() {
    return new HeadDetector(HelmetWeights.readResource(HelmetWeights.Kind.DETECTOR));
  }

  /** The detector whose weights {@link HeadDetectorTrainer} wrote into a folder. */
  public static HeadDetector read(Path weightsDir) {
    return new HeadDetector(HelmetWeights.read(HelmetWeights.Kind.DETECTOR, weightsDir));
  }

  /**
   * Adds the detector to a graph into which MoveNet MultiPose was imported without a prefix.
   *
   * @return the output to fetch beside the poses: {@code [1, H/4, W/4, 6]} for an H x W input
   */
  public Operand<TFloat32> attach(Graph movenet) {
    Ops tf = Ops.create(movenet).withSubScope("heads");
    Map<String, long[]> shapes = HeadNet.shapes();
    return HeadNet.output(
        tf,
        HeadNet.features(tf, movenet),
        name ->
            tf.constant(
                Shape.of(shapes.get(name)),
                DataBuffers.of(weights.params().get(name), true, false)));
  }

  /** Values per output cell, for sizing the fetch buffer. */
  public static int outputsPerCell() {
    return HeadNet.OUTPUTS;
  }

  /**
   * Heads from the detector's output, most confident first, each with the detector's own helmet
   * probability.
   *
   * @param out the fetched output, {@code gw * gh * 6} values in row-major order
   * @param gw output columns (input width / 4)
   * @param gh output rows (input height / 4)
   * @param frameW width of the frame inside the model input, in input pixels
   * @param frameH height of the frame inside the model input, in input pixels
   */
  public static List<DetectedHead> decode(
      float[] out, int gw, int gh, double minScore, double frameW, double frameH) {
    int n = HeadNet.OUTPUTS;
    int stride = HeadNet.STRIDE;
    List<DetectedHead> found = new ArrayList<>();
    for (int j = 0; j < gh; j++) {
      for (int i = 0; i < gw; i++) {
        int o = (j * gw + i) * n;
        float z = out[o];
        if (sigmoid(z) < minScore || !isPeak(out, gw, gh, i, j, z)) {
          continue;
        }
        double cx = (i + out[o + 3]) * stride;
        double cy = (j + out[o + 4]) * stride;
        double w = Math.exp(Math.min(6, out[o + 1])) * stride;
        double h = Math.exp(Math.min(6, out[o + 2])) * stride;
        Box box =
            new Box(
                clamp((cx - w / 2) / frameW),
                clamp((cy - h / 2) / frameH),
                clamp((cx + w / 2) / frameW),
                clamp((cy + h / 2) / frameH));
        if (box.area() > 0) {
          found.add(new DetectedHead(box, sigmoid(z), sigmoid(out[o + 5])));
        }
      }
    }
    found.sort(Comparator.comparingDouble(DetectedHead::score).reversed());
    // Neighbouring peaks of one head: keep the stronger when they overlap. Two heads rarely overlap
    // by IoU 0.3 even in a crowd; two peaks of one head (a face and its helmet brim) often do.
    List<DetectedHead> kept = new ArrayList<>();
    for (DetectedHead p : found) {
      if (kept.stream().noneMatch(k -> k.box().iou(p.box()) > 0.3)) {
        kept.add(p);
      }
    }
    return kept;
  }

  /**
   * One head the detector found.
   *
   * @param box normalised to the frame
   * @param score centre confidence 0..1
   * @param helmetProbability the detector's own estimate that the head wears a hard hat
   */
  public record DetectedHead(Box box, double score, double helmetProbability) {}

  private static boolean isPeak(float[] out, int gw, int gh, int i, int j, float z) {
    int n = HeadNet.OUTPUTS;
    for (int dj = -1; dj <= 1; dj++) {
      for (int di = -1; di <= 1; di++) {
        int x = i + di;
        int y = j + dj;
        if ((di != 0 || dj != 0) && x >= 0 && y >= 0 && x < gw && y < gh) {
          if (out[(y * gw + x) * n] > z) {
            return false;
          }
        }
      }
    }
    return true;
  }

  private static double sigmoid(double z) {
    return 1 / (1 + Math.exp(-z));
  }

  private static double clamp(double v) {
    return Math.min(1, Math.max(0, v));
  }
}
