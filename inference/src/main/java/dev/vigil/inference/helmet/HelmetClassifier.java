package dev.vigil.inference.helmet;

import dev.vigil.config.Box;
import dev.vigil.inference.InferenceException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.bytedeco.opencv.opencv_core.Mat;
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
 * Says how likely a head wears a hard hat: a small CNN (see {@link HelmetTrainer}) run on square
 * crops around head boxes in TensorFlow Java.
 *
 * <p>Ownership and lifecycle: owns a TensorFlow {@link Graph} and {@link Session} holding the
 * weights as constants; {@link #close()} releases them. Thread safety: {@link #predict} and {@link
 * #predictCrops} may be called from several threads at once (the session is thread-safe and every
 * call uses its own tensors); {@link #close()} must not race with them.
 */
public final class HelmetClassifier implements AutoCloseable {

  /**
   * The bands of probabilities too close to call: 0.28-0.87 for heads under 24 px, 0.50-0.85 for
   * heads of 24 px and more, which the classifier sees clearly. Chosen, with the cut, by {@code
   * vigil eval --choose-band} ({@link BandTuning}) on the tune split only (Hard Hat Workers TUNE,
   * construction-safety valid, the cctv-people tune clips, and every tune head again shrunk and
   * blurred as cameras do, which counts as small): of cuts 24, 32, 48 and 64 px, the one whose two
   * bands judge the most tune heads while in every group at most 5% of the judged bare heads are
   * called helmet and at most 10% of the judged helmets bare. The single band before them,
   * 0.35-0.65, called 11% of the tune close-up bare heads helmets.
   */
  public static final SizedBands BANDS =
      new SizedBands(24, new AbstentionBand(0.28, 0.87), new AbstentionBand(0.50, 0.85));

  /** Heads smaller than this many pixels (longer side) are not judged. */
  public static final int MIN_HEAD_PIXELS = 8;

  private final Graph graph;
  private final Session session;
  private final Placeholder<TFloat32> input;
  private final Operand<TFloat32> probability;
  private final int inputSize;
  private final double margin;

  /** One model, or the mean probability of several that cut the same crops. */
  private HelmetClassifier(List<HelmetWeights> members) {
    HelmetWeights first = members.get(0);
    for (HelmetWeights w : members) {
      if (w.inputSize() != first.inputSize() || w.margin() != first.margin()) {
        throw new InferenceException(
            "Helmet classifiers to average must cut the same crops: input "
                + first.inputSize()
                + " px, margin "
                + first.margin()
                + " against "
                + w.inputSize()
                + " px, margin "
                + w.margin());
      }
    }
    this.inputSize = first.inputSize();
    this.margin = first.margin();
    Graph g = new Graph();
    try {
      Ops tf = Ops.create(g);
      Map<String, long[]> shapes = HelmetNet.shapes();
      input =
          tf.withName("crops")
              .placeholder(
                  TFloat32.class, Placeholder.shape(Shape.of(-1, inputSize, inputSize, 3)));
      Operand<TFloat32> sum = null;
      for (HelmetWeights weights : members) {
        Operand<TFloat32> p =
            tf.math.sigmoid(
                HelmetNet.logits(
                    tf,
                    input,
                    name ->
                        tf.constant(
                            Shape.of(shapes.get(name)),
                            DataBuffers.of(weights.params().get(name), true, false))));
        sum = sum == null ? p : tf.math.add(sum, p);
      }
      probability =
          tf.withName("helmet_probability").math.div(sum, tf.constant((float) members.size()));
      ConfigProto config =
          ConfigProto.newBuilder()
              .setIntraOpParallelismThreads(1)
              .setInterOpParallelismThreads(1)
              .build();
      session = new Session(g, config);
    } catch (RuntimeException e) {
      g.close();
      throw new InferenceException("Cannot build the helmet classifier in TensorFlow", e);
    }
    graph = g;
  }

  /**
   * The classifier whose weights ship on the classpath, as {@code vigil train helmet} made them.
   */
  public static HelmetClassifier open() {
    return new HelmetClassifier(List.of(HelmetWeights.readResource(HelmetWeights.Kind.CLASSIFIER)));
  }

  /** The classifier whose weights {@link HelmetTrainer} wrote into a folder. */
  public static HelmetClassifier open(Path weightsDir) {
    return open(List.of(weightsDir));
  }

  /**
   * The mean probability of several classifiers {@link HelmetTrainer} wrote (for example the same
   * recipe trained with different seeds), which must share input size and context margin.
   */
  public static HelmetClassifier open(List<Path> weightsDirs) {
    if (weightsDirs.isEmpty()) {
      throw new IllegalArgumentException("No helmet classifier weights to open");
    }
    return new HelmetClassifier(
        weightsDirs.stream()
            .map(d -> HelmetWeights.read(HelmetWeights.Kind.CLASSIFIER, d))
            .toList());
  }

  /**
   * The judgement for a head's probability: true (helmet), false (bare) or null (unknown), by the
   * band for its size ({@link #BANDS}).
   */
  public static Boolean decide(double probability, double headPx) {
    return BANDS.forSize(headPx).decide(probability);
  }

  /** Side of the square crop the model sees, in pixels. */
  public int inputSize() {
    return inputSize;
  }

  /** Context margin around each head box (see {@link HeadCrop}). */
  public double margin() {
    return margin;
  }

  /**
   * Probability that each head wears a hard hat, in the order given.
   *
   * @param bgr the frame, 8-bit BGR; not modified and not retained
   * @param heads head boxes normalised to the frame
   */
  public float[] predict(Mat bgr, List<Box> heads) {
    if (heads.isEmpty()) {
      return new float[0];
    }
    int per = inputSize * inputSize * 3;
    float[] crops = new float[heads.size() * per];
    for (int i = 0; i < heads.size(); i++) {
      HeadCrop.extract(bgr, heads.get(i), margin, inputSize, crops, i * per);
    }
    return predictCrops(crops, heads.size());
  }

  /**
   * Probability for each of {@code n} crops already cut by {@link HeadCrop} at {@link
   * #inputSize()}: {@code n * S * S * 3} floats, RGB 0..1, HWC.
   */
  public float[] predictCrops(float[] crops, int n) {
    int per = inputSize * inputSize * 3;
    if (crops.length != n * per) {
      throw new IllegalArgumentException(
          "Expected " + n + " crops of " + per + " floats, got " + crops.length + " floats");
    }
    float[] out = new float[n];
    if (n == 0) {
      return out;
    }
    try (TFloat32 batch =
            TFloat32.tensorOf(
                Shape.of(n, inputSize, inputSize, 3), DataBuffers.of(crops, true, false));
        Result result = session.runner().feed(input, batch).fetch(probability).run()) {
      ((TFloat32) result.get(0)).copyTo(DataBuffers.of(out, false, false));
    }
    return out;
  }

  @Override
  public void close() {
    session.close();
    graph.close();
  }
}
