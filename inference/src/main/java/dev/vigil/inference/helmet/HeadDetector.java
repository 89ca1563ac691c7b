package dev.vigil.inference.helmet;

import static org.bytedeco.opencv.global.opencv_core.BORDER_CONSTANT;
import static org.bytedeco.opencv.global.opencv_core.CV_32FC3;
import static org.bytedeco.opencv.global.opencv_core.CV_64FC1;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_BGR2RGB;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_LINEAR;
import static org.bytedeco.opencv.global.opencv_imgproc.cvtColor;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;
import static org.bytedeco.opencv.global.opencv_imgproc.warpAffine;

import dev.vigil.config.Box;
import dev.vigil.inference.InferenceException;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.types.TFloat32;

/**
 * Finds heads (with or without a hard hat) directly, bodies or not: a small CenterNet-style network
 * ({@link HeadDetectorTrainer}) on the frame letterboxed to a square. It sees crowds that the pose
 * model, which finds at most six people, cannot.
 *
 * <p>Ownership and lifecycle: owns a TensorFlow {@link Graph} and {@link Session}; {@link #close()}
 * releases them. Thread safety: {@link #detect} may be called from several threads at once; {@link
 * #close()} must not race with it.
 */
public final class HeadDetector implements AutoCloseable {

  /**
   * Default centre score from which a head is reported: the better of 0.35, 0.4 and 0.45 by head F1
   * of full perception on the validation split.
   */
  public static final double DEFAULT_MIN_SCORE = 0.45;

  private final Graph graph;
  private final Session session;
  private final Placeholder<TFloat32> input;
  private final Operand<TFloat32> output;
  private final int inputSize;

  private HeadDetector(HelmetWeights weights, int threads, int inputSize) {
    if (inputSize <= 0 || inputSize % HeadNet.STRIDE != 0) {
      throw new IllegalArgumentException(
          "inputSize must be a positive multiple of " + HeadNet.STRIDE + ": " + inputSize);
    }
    this.inputSize = inputSize;
    Graph g = new Graph();
    try {
      Ops tf = Ops.create(g);
      Map<String, long[]> shapes = HeadNet.shapes();
      input =
          tf.withName("image")
              .placeholder(
                  TFloat32.class, Placeholder.shape(Shape.of(-1, inputSize, inputSize, 3)));
      output =
          HeadNet.output(
              tf,
              input,
              name ->
                  tf.constant(
                      Shape.of(shapes.get(name)),
                      DataBuffers.of(weights.params().get(name), true, false)));
      session =
          new Session(
              g,
              ConfigProto.newBuilder()
                  .setIntraOpParallelismThreads(threads)
                  .setInterOpParallelismThreads(1)
                  .build());
    } catch (RuntimeException e) {
      g.close();
      throw new InferenceException("Cannot build the head detector in TensorFlow", e);
    }
    graph = g;
  }

  /** Default side of the square the frame is letterboxed into, in pixels. */
  public static final int DEFAULT_INPUT_SIZE = 320;

  /** Whether the detector's weights ship on the classpath. */
  public static boolean isBundled() {
    return HeadDetector.class.getResource(HelmetWeights.Kind.DETECTOR.manifest) != null;
  }

  /** The detector whose weights ship on the classpath, at {@link #DEFAULT_INPUT_SIZE}. */
  public static HeadDetector open(int threads) {
    return open(threads, DEFAULT_INPUT_SIZE);
  }

  /** The detector whose weights ship on the classpath, at the given input size. */
  public static HeadDetector open(int threads, int inputSize) {
    return new HeadDetector(
        HelmetWeights.readResource(HelmetWeights.Kind.DETECTOR), threads, inputSize);
  }

  /**
   * The detector whose weights {@link HeadDetectorTrainer} wrote into a folder.
   *
   * @param inputSize side of the letterbox square; the network is fully convolutional, and was
   *     trained on heads drawn at 0.6 to 1.2 times their size at its training input size
   */
  public static HeadDetector open(Path weightsDir, int threads, int inputSize) {
    return new HeadDetector(
        HelmetWeights.read(HelmetWeights.Kind.DETECTOR, weightsDir), threads, inputSize);
  }

  public int inputSize() {
    return inputSize;
  }

  /**
   * Heads in a frame, most confident first, with an unknown helmet.
   *
   * @param bgr 8-bit BGR frame; not modified and not retained
   */
  public List<HeadPrediction> detect(Mat bgr, double minScore) {
    int s = inputSize;
    double a = (double) s / Math.max(bgr.cols(), bgr.rows());
    float[] pixels = new float[s * s * 3];
    warp(bgr, s, a, false, 0, 0, pixels, 0);
    int g = s / HeadNet.STRIDE;
    float[] out = new float[g * g * 5];
    try (TFloat32 x = TFloat32.tensorOf(Shape.of(1, s, s, 3), DataBuffers.of(pixels, true, false));
        Result r = session.runner().feed(input, x).fetch(output).run()) {
      ((TFloat32) r.get(0)).copyTo(DataBuffers.of(out, false, false));
    }
    return decode(out, g, minScore, a, bgr.cols(), bgr.rows());
  }

  static List<HeadPrediction> decode(
      float[] out, int g, double minScore, double a, int width, int height) {
    List<HeadPrediction> found = new ArrayList<>();
    for (int j = 0; j < g; j++) {
      for (int i = 0; i < g; i++) {
        float z = out[(j * g + i) * 5];
        if (sigmoid(z) < minScore || !isPeak(out, g, i, j, z)) {
          continue;
        }
        int o = (j * g + i) * 5;
        double cx = (i + out[o + 3]) * HeadNet.STRIDE / a;
        double cy = (j + out[o + 4]) * HeadNet.STRIDE / a;
        double w = Math.exp(Math.min(6, out[o + 1])) * HeadNet.STRIDE / a;
        double h = Math.exp(Math.min(6, out[o + 2])) * HeadNet.STRIDE / a;
        Box box =
            new Box(
                clamp((cx - w / 2) / width),
                clamp((cy - h / 2) / height),
                clamp((cx + w / 2) / width),
                clamp((cy + h / 2) / height));
        if (box.area() > 0) {
          found.add(new HeadPrediction(box, sigmoid(z), null));
        }
      }
    }
    found.sort(Comparator.comparingDouble(HeadPrediction::score).reversed());
    // Neighbouring peaks of one head: keep the stronger when they overlap much.
    List<HeadPrediction> kept = new ArrayList<>();
    for (HeadPrediction p : found) {
      if (kept.stream().noneMatch(k -> k.box().iou(p.box()) > 0.5)) {
        kept.add(p);
      }
    }
    return kept;
  }

  private static boolean isPeak(float[] out, int g, int i, int j, float z) {
    for (int dj = -1; dj <= 1; dj++) {
      for (int di = -1; di <= 1; di++) {
        int x = i + di;
        int y = j + dj;
        if ((di != 0 || dj != 0) && x >= 0 && y >= 0 && x < g && y < g) {
          if (out[(y * g + x) * 5] > z) {
            return false;
          }
        }
      }
    }
    return true;
  }

  /**
   * Scales a frame by {@code a} (mirrored if asked), shifts it by (tx, ty) into an s x s black
   * canvas, and writes it as RGB floats 0..1. A frame point x maps to {@code a x + tx}, or {@code
   * tx + a (w - x)} when mirrored.
   */
  static void warp(
      Mat bgr, int s, double a, boolean mirror, double tx, double ty, float[] dst, int off) {
    if (a < 1) {
      // Shrink with area averaging first: warpAffine alone would alias.
      try (Mat small = new Mat();
          Size smallSize =
              new Size(
                  Math.max(1, (int) Math.round(bgr.cols() * a)),
                  Math.max(1, (int) Math.round(bgr.rows() * a)))) {
        resize(bgr, small, smallSize, 0, 0, INTER_AREA);
        warp(small, s, 1, mirror, tx, ty, dst, off);
      }
      return;
    }
    double[] m =
        mirror
            ? new double[] {-a, 0, tx + a * bgr.cols(), 0, a, ty}
            : new double[] {a, 0, tx, 0, a, ty};
    try (DoublePointer mp = new DoublePointer(m);
        Mat matrix = new Mat(2, 3, CV_64FC1, mp);
        Mat warped = new Mat();
        Mat rgb = new Mat();
        Mat floats = new Mat();
        Size size = new Size(s, s);
        Scalar black = new Scalar(0.0)) {
      warpAffine(bgr, warped, matrix, size, INTER_LINEAR, BORDER_CONSTANT, black);
      cvtColor(warped, rgb, COLOR_BGR2RGB);
      rgb.convertTo(floats, CV_32FC3, 1 / 255.0, 0);
      FloatBuffer fb = floats.createBuffer();
      fb.get(dst, off, s * s * 3);
    }
  }

  private static double sigmoid(double z) {
    return 1 / (1 + Math.exp(-z));
  }

  private static double clamp(double v) {
    return Math.min(1, Math.max(0, v));
  }

  @Override
  public void close() {
    session.close();
    graph.close();
  }
}
