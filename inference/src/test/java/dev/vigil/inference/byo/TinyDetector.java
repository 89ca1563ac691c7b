package dev.vigil.inference.byo;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.Signature;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TUint8;
import org.tensorflow.types.family.TNumber;

/**
 * Builds and exports a tiny SavedModel with the TF Object Detection API signature, so the tests
 * need no model file. Its detections are constants chosen here, except two whose scores depend on
 * the image it is fed, which shows that the pixels arrive in RGB order and at the expected size.
 *
 * <p>Rows of {@code detection_*} ({@code num_detections} = {@link #COUNT}; rows past it are padding
 * a real model would also return):
 *
 * <pre>
 *  row class score        box (ymin, xmin, ymax, xmax)
 *   0   1    0.9          person
 *   1   3    0.8          helmet in the upper part of the person
 *   2   2    0.7          head with no person around it
 *   3   1    0.3          person below min_score 0.5
 *   4   4    0.95         an unmapped class
 *   5   2    0.6          the helmet's head seen again as a bare head (a duplicate)
 *   6   9    mean red/255 of the fed image
 *   7   8    fed width / 1000
 *   8   1    0.99         padding past num_detections
 *   9   1    0.99         padding past num_detections
 * </pre>
 */
final class TinyDetector {
  static final int COUNT = 8;

  static final float[][] BOXES = {
    {0.2f, 0.1f, 0.9f, 0.4f},
    {0.22f, 0.2f, 0.32f, 0.3f},
    {0.1f, 0.7f, 0.2f, 0.8f},
    {0.3f, 0.5f, 0.6f, 0.6f},
    {0.0f, 0.0f, 1.0f, 1.0f},
    {0.21f, 0.2f, 0.32f, 0.3f},
    {0.5f, 0.5f, 0.9f, 0.9f},
    {0.0f, 0.0f, 0.5f, 0.5f},
    {0.0f, 0.0f, 1.0f, 1.0f},
    {0.0f, 0.0f, 1.0f, 1.0f},
  };
  static final float[] CLASSES = {1, 3, 2, 1, 4, 2, 9, 8, 1, 1};

  private TinyDetector() {}

  /** Exports the model to {@code dir}, taking uint8 or float32 pixels as {@code input_tensor}. */
  static void export(Path dir, boolean floatInput) throws IOException {
    try (Graph g = new Graph();
        Session session = new Session(g)) {
      Ops tf = Ops.create(g);
      Placeholder.Options shape = Placeholder.shape(Shape.of(1, -1, -1, 3));
      Operand<? extends TNumber> image =
          floatInput ? tf.placeholder(TFloat32.class, shape) : tf.placeholder(TUint8.class, shape);
      Operand<TFloat32> pixels = tf.dtypes.cast(image, TFloat32.class);
      Operand<TFloat32> red =
          tf.math.div(
              tf.math.mean(
                  tf.gather(pixels, tf.constant(new int[] {0}), tf.constant(3)),
                  tf.constant(new int[] {0, 1, 2, 3})),
              tf.constant(255f));
      Operand<TFloat32> width =
          tf.math.div(
              tf.dtypes.cast(
                  tf.gather(tf.shape(image), tf.constant(2), tf.constant(0)), TFloat32.class),
              tf.constant(1000f));
      Operand<TFloat32> scores =
          tf.concat(
              List.of(
                  tf.constant(new float[][] {{0.9f, 0.8f, 0.7f, 0.3f, 0.95f, 0.6f}}),
                  tf.reshape(red, tf.constant(new int[] {1, 1})),
                  tf.reshape(width, tf.constant(new int[] {1, 1})),
                  tf.constant(new float[][] {{0.99f, 0.99f}})),
              tf.constant(1));
      Signature signature =
          Signature.builder()
              .key(Signature.DEFAULT_KEY)
              .input("input_tensor", image)
              .output("detection_boxes", tf.constant(new float[][][] {BOXES}))
              .output("detection_classes", tf.constant(new float[][] {CLASSES}))
              .output("detection_scores", scores)
              .output("num_detections", tf.constant(new float[] {COUNT}))
              .build();
      SavedModelBundle.exporter(dir.toString()).withFunction(session.function(signature)).export();
    }
  }
}
