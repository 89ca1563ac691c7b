package dev.vigil.inference.helmet;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * The helmet classifier's architecture: four 3x3 convolutions (16, 32, 64, 64 channels, ReLU, the
 * first three each followed by 2x2 max pooling), global average pooling and one logit. Input is
 * {@code [N, S, S, 3]} RGB in 0..1; output is {@code [N, 1]} logits of "wears a hard hat".
 * Stateless.
 */
final class HelmetNet {

  private static final int[] CHANNELS = {3, 16, 32, 64, 64};

  private HelmetNet() {}

  /** Parameter names and shapes, in a fixed order. */
  static Map<String, long[]> shapes() {
    Map<String, long[]> m = new LinkedHashMap<>();
    for (int i = 1; i < CHANNELS.length; i++) {
      m.put("conv" + i + "/w", new long[] {3, 3, CHANNELS[i - 1], CHANNELS[i]});
      m.put("conv" + i + "/b", new long[] {CHANNELS[i]});
    }
    m.put("fc/w", new long[] {CHANNELS[CHANNELS.length - 1], 1});
    m.put("fc/b", new long[] {1});
    return m;
  }

  /** He-normal weights and zero biases from a seeded generator. */
  static Map<String, float[]> initial(long seed) {
    return heNormal(shapes(), seed, name -> 2.0);
  }

  /**
   * Normal weights ({@code /w}) of variance {@code gain(name) / fan-in} and zero biases, drawn from
   * a generator seeded with {@code seed} in the order of {@code shapes}: He initialisation at a
   * gain of 2. Both trainers' networks start this way.
   */
  static Map<String, float[]> heNormal(
      Map<String, long[]> shapes, long seed, ToDoubleFunction<String> gain) {
    Random random = new Random(seed);
    Map<String, float[]> m = new LinkedHashMap<>();
    for (Map.Entry<String, long[]> e : shapes.entrySet()) {
      long[] shape = e.getValue();
      float[] v = new float[(int) count(shape)];
      if (e.getKey().endsWith("/w")) {
        long fanIn = count(shape) / shape[shape.length - 1];
        double std = Math.sqrt(gain.applyAsDouble(e.getKey()) / fanIn);
        for (int i = 0; i < v.length; i++) {
          v[i] = (float) (random.nextGaussian() * std);
        }
      }
      m.put(e.getKey(), v);
    }
    return m;
  }

  static long count(long[] shape) {
    long n = 1;
    for (long d : shape) {
      n *= d;
    }
    return n;
  }

  /** Builds the forward pass; {@code param} supplies each parameter by name. */
  static Operand<TFloat32> logits(
      Ops tf, Operand<TFloat32> input, Function<String, Operand<TFloat32>> param) {
    Operand<TFloat32> x = tf.math.sub(input, tf.constant(0.5f));
    List<Long> stride1 = List.of(1L, 1L, 1L, 1L);
    for (int i = 1; i < CHANNELS.length; i++) {
      x = tf.nn.conv2d(x, param.apply("conv" + i + "/w"), stride1, "SAME");
      x = tf.nn.relu(tf.nn.biasAdd(x, param.apply("conv" + i + "/b")));
      if (i < CHANNELS.length - 1) {
        x =
            tf.nn.maxPool(
                x,
                tf.constant(new int[] {1, 2, 2, 1}),
                tf.constant(new int[] {1, 2, 2, 1}),
                "VALID");
      }
    }
    Operand<TFloat32> pooled = tf.math.mean(x, tf.constant(new int[] {1, 2}));
    return tf.math.add(tf.linalg.matMul(pooled, param.apply("fc/w")), param.apply("fc/b"));
  }

  /** Mean sigmoid cross-entropy of logits against 0/1 labels, in a numerically stable form. */
  static Operand<TFloat32> loss(Ops tf, Operand<TFloat32> logits, Operand<TFloat32> labels) {
    Operand<TFloat32> perItem =
        tf.math.add(
            tf.math.sub(tf.nn.relu(logits), tf.math.mul(logits, labels)),
            tf.math.log1p(tf.math.exp(tf.math.neg(tf.math.abs(logits)))));
    return tf.math.mean(perItem, tf.constant(new int[] {0, 1}));
  }
}
