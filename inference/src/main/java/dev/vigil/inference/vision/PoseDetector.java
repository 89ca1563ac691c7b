package dev.vigil.inference.vision;

import static org.bytedeco.opencv.global.opencv_core.BORDER_CONSTANT;
import static org.bytedeco.opencv.global.opencv_core.CV_32SC3;
import static org.bytedeco.opencv.global.opencv_core.copyMakeBorder;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_BGR2RGB;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_LINEAR;
import static org.bytedeco.opencv.global.opencv_imgproc.cvtColor;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

import dev.vigil.config.Box;
import dev.vigil.inference.InferenceException;
import dev.vigil.inference.helmet.HeadDetector;
import dev.vigil.inference.model.ModelStore;
import dev.vigil.inference.model.TfjsGraphConverter;
import java.nio.IntBuffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * MoveNet MultiPose Lightning (up to six people with 17 keypoints each) on TensorFlow Java.
 *
 * <p>The model takes an int32 RGB image {@code [1, H, W, 3]} whose sides are multiples of 32. A
 * frame is letterboxed into it: scaled so that its long side is {@link #longSide()} (keeping the
 * aspect ratio), placed top-left and padded with black, with the short side rounded up to a
 * multiple of 32. Poses are mapped back to the frame's normalised coordinates.
 *
 * <p>Ownership and lifecycle: owns a TensorFlow {@link Graph} and {@link Session}; {@link #close()}
 * releases them. Thread safety: {@link #detect} may be called from several threads at once (the
 * session is thread-safe and every call uses its own buffers); {@link #close()} must not race with
 * it.
 */
public final class PoseDetector implements AutoCloseable {

  /** The model's name in {@link ModelStore}. */
  public static final String MODEL = "movenet-multipose";

  /** Default long side of the model input, in pixels. */
  public static final int DEFAULT_LONG_SIDE = 256;

  private static final int MAX_POSES = 6;
  private static final int ROW = BodyPart.COUNT * 3 + 5;

  /** Per-thread pixel staging array, reused across frames (no per-frame garbage). */
  private static final ThreadLocal<int[]> PIXELS = ThreadLocal.withInitial(() -> new int[0]);

  private final Graph graph;
  private final Session session;
  private final int longSide;
  private final Operand<TFloat32> headOutput;
  private final double headMinScore;

  /**
   * The poses (and, with a head detector, the heads) found in one frame, with the time each stage
   * took.
   */
  public record Detection(
      List<Pose> poses,
      List<HeadDetector.DetectedHead> heads,
      double preprocessMs,
      double modelMs) {
    public Detection {
      poses = List.copyOf(poses);
      heads = List.copyOf(heads);
    }
  }

  /**
   * Loads the model from the store and starts a session.
   *
   * @param intraOpThreads threads per op; note that TensorFlow sizes its intra-op pool once per
   *     process, so the first session created wins
   */
  public static PoseDetector open(ModelStore store, int intraOpThreads) {
    return open(store, intraOpThreads, null);
  }

  /**
   * Loads the model from the store and starts a session that also runs a head detector on the
   * model's features, in the same forward pass.
   *
   * @param heads the head detector, or null for poses only
   */
  public static PoseDetector open(ModelStore store, int intraOpThreads, HeadDetector heads) {
    GraphDef graphDef = graphDef(store);
    return new PoseDetector(
        graphDef, intraOpThreads, DEFAULT_LONG_SIDE, heads, HeadDetector.DEFAULT_MIN_SCORE);
  }

  /** The model from the store, converted to a TensorFlow GraphDef. */
  public static GraphDef graphDef(ModelStore store) {
    return TfjsGraphConverter.convert(store.graphModel(MODEL).get(0));
  }

  /** Starts a session on an already converted MoveNet MultiPose graph, for poses only. */
  public PoseDetector(GraphDef graphDef, int intraOpThreads, int longSide) {
    this(graphDef, intraOpThreads, longSide, null, 0);
  }

  /**
   * Starts a session on an already converted MoveNet MultiPose graph.
   *
   * @param intraOpThreads threads per op (process-wide in practice: the first session wins)
   * @param longSide long side of the model input in pixels; a multiple of 32
   * @param heads a head detector to run on the model's features, or null
   * @param headMinScore the centre score from which a head is reported
   */
  public PoseDetector(
      GraphDef graphDef,
      int intraOpThreads,
      int longSide,
      HeadDetector heads,
      double headMinScore) {
    if (longSide <= 0 || longSide % 32 != 0) {
      throw new IllegalArgumentException("longSide must be a positive multiple of 32: " + longSide);
    }
    if (intraOpThreads < 0) {
      throw new IllegalArgumentException("intraOpThreads must be >= 0: " + intraOpThreads);
    }
    this.longSide = longSide;
    this.headMinScore = headMinScore;
    Graph g = new Graph();
    try {
      g.importGraphDef(graphDef);
      headOutput = heads == null ? null : heads.attach(g);
      // One inter-op thread per core: the processor calls the model from several stream threads
      // at once, and with a single inter-op thread (process-wide, like the intra-op pool) their
      // kernels queued behind each other (pipeline 35 fps against 49 with one per core).
      ConfigProto config =
          ConfigProto.newBuilder()
              .setIntraOpParallelismThreads(intraOpThreads)
              .setInterOpParallelismThreads(Runtime.getRuntime().availableProcessors())
              .build();
      this.session = new Session(g, config);
    } catch (RuntimeException e) {
      g.close();
      throw new InferenceException("Cannot load " + MODEL + " into TensorFlow", e);
    }
    this.graph = g;
  }

  public int longSide() {
    return longSide;
  }

  /** Whether each detection also carries the heads of a {@link HeadDetector}. */
  public boolean detectsHeads() {
    return headOutput != null;
  }

  /**
   * Finds the poses in a BGR frame (as OpenCV decodes it).
   *
   * @param bgr an 8-bit, 3-channel BGR image; not modified and not retained
   * @param minScore poses scoring below this are dropped
   */
  public Detection detect(Mat bgr, double minScore) {
    int w = bgr.cols();
    int h = bgr.rows();
    if (w <= 0 || h <= 0 || bgr.channels() != 3) {
      throw new IllegalArgumentException("Expected a non-empty BGR image, got " + bgr);
    }
    long t0 = System.nanoTime();
    double scale = (double) longSide / Math.max(w, h);
    int rw = Math.max(1, (int) Math.round(w * scale));
    int rh = Math.max(1, (int) Math.round(h * scale));
    int inW = roundUp32(rw);
    int inH = roundUp32(rh);
    try (TInt32 input = TInt32.tensorOf(Shape.of(1, inH, inW, 3))) {
      fill(bgr, rw, rh, inW, inH, input);
      long t1 = System.nanoTime();
      float[] out = new float[MAX_POSES * ROW];
      int gw = inW / 4;
      int gh = inH / 4;
      float[] headOut =
          headOutput == null ? null : new float[gw * gh * HeadDetector.outputsPerCell()];
      Session.Runner runner = session.runner().feed("input", input).fetch("Identity");
      if (headOutput != null) {
        runner.fetch(headOutput);
      }
      try (Result result = runner.run()) {
        ((TFloat32) result.get(0)).copyTo(DataBuffers.of(out, false, false));
        if (headOut != null) {
          ((TFloat32) result.get(1)).copyTo(DataBuffers.of(headOut, false, false));
        }
      }
      long t2 = System.nanoTime();
      // The model's coordinates are normalised to the padded input; the frame covers rw x rh of it.
      List<Pose> poses = decode(out, (double) inW / rw, (double) inH / rh, minScore);
      List<HeadDetector.DetectedHead> heads =
          headOut == null ? List.of() : HeadDetector.decode(headOut, gw, gh, headMinScore, rw, rh);
      return new Detection(poses, heads, (t1 - t0) / 1e6, (t2 - t1) / 1e6);
    }
  }

  /** Letterboxes a frame into the input tensor (package-private for its JMH benchmark). */
  static void fill(Mat bgr, int rw, int rh, int inW, int inH, TInt32 input) {
    try (Size size = new Size(rw, rh);
        Scalar black = new Scalar(0.0);
        Mat resized = new Mat();
        Mat padded = new Mat()) {
      int interpolation = rw < bgr.cols() ? INTER_AREA : INTER_LINEAR;
      resize(bgr, resized, size, 0, 0, interpolation);
      copyMakeBorder(resized, padded, 0, inH - rh, 0, inW - rw, BORDER_CONSTANT, black);
      write(padded, input);
    }
  }

  /**
   * Writes a BGR canvas as the model's int32 RGB input; the canvas must have the input's size.
   * Public for the head detector's trainer, which draws its own augmented canvases.
   */
  public static void write(Mat canvas, TInt32 input) {
    int n = canvas.cols() * canvas.rows() * 3;
    try (Mat rgb = new Mat();
        Mat ints = new Mat()) {
      cvtColor(canvas, rgb, COLOR_BGR2RGB);
      rgb.convertTo(ints, CV_32SC3);
      // Bulk copies: NIO buffer to array to tensor memory. DataBuffers.of(IntBuffer).copyTo the
      // tensor fell back to copying int by int, a visible share of the stream threads' own time.
      int[] pixels = PIXELS.get();
      if (pixels.length < n) {
        pixels = new int[n];
        PIXELS.set(pixels);
      }
      IntBuffer source = ints.createBuffer();
      source.get(pixels, 0, n);
      input.asRawTensor().data().asInts().write(pixels, 0, n);
    }
  }

  private static List<Pose> decode(float[] out, double sx, double sy, double minScore) {
    List<Pose> poses = new ArrayList<>(MAX_POSES);
    for (int p = 0; p < MAX_POSES; p++) {
      int o = p * ROW;
      double score = out[o + ROW - 1];
      if (!(score >= minScore)) {
        continue;
      }
      List<Keypoint> keypoints = new ArrayList<>(BodyPart.COUNT);
      for (int k = 0; k < BodyPart.COUNT; k++) {
        int i = o + k * 3;
        keypoints.add(new Keypoint(clamp(out[i + 1] * sx), clamp(out[i] * sy), out[i + 2]));
      }
      int b = o + BodyPart.COUNT * 3;
      Box box =
          new Box(
              clamp(out[b + 1] * sx),
              clamp(out[b] * sy),
              clamp(out[b + 3] * sx),
              clamp(out[b + 2] * sy));
      poses.add(new Pose(box, score, keypoints));
    }
    poses.sort(Comparator.comparingDouble(Pose::score).reversed());
    return poses;
  }

  private static double clamp(double v) {
    return Math.min(1, Math.max(0, v));
  }

  private static int roundUp32(int v) {
    return (v + 31) / 32 * 32;
  }

  @Override
  public void close() {
    session.close();
    graph.close();
  }
}
