package dev.vigil.inference.helmet;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Split;
import org.tensorflow.types.TFloat32;

/**
 * The head detector's architecture, CenterNet-style: a small fully-convolutional network whose
 * output at stride {@value #STRIDE} holds, per cell, a head-centre logit, the log width and height
 * of the head in cells, and the centre's offset within the cell. Input is {@code [N, S, S, 3]} RGB
 * in 0..1; output is {@code [N, S/8, S/8, 5]}. Stateless.
 */
final class HeadNet {

  /** Output stride in pixels. */
  static final int STRIDE = 8;

  /** Prior of the centre logit's bias: sigmoid(-2.19) = 0.1, as CenterNet starts. */
  static final float HEAT_PRIOR = -2.19f;

  // name, kernel, in, out, stride; a max pool of 2 follows c1 and c2.
  private static final Object[][] LAYERS = {
    {"c1", 3, 3, 16, 2},
    {"c2", 3, 16, 32, 1},
    {"c3", 3, 32, 48, 1},
    {"c4", 3, 48, 64, 1},
    {"c5", 3, 64, 64, 1},
    {"c6", 3, 64, 64, 1},
    {"out", 1, 64, 5, 1},
  };

  private HeadNet() {}

  static Map<String, long[]> shapes() {
    Map<String, long[]> m = new LinkedHashMap<>();
    for (Object[] l : LAYERS) {
      int k = (Integer) l[1];
      m.put(l[0] + "/w", new long[] {k, k, (Integer) l[2], (Integer) l[3]});
      m.put(l[0] + "/b", new long[] {(Integer) l[3]});
    }
    return m;
  }

  static Map<String, float[]> initial(long seed) {
    Random random = new Random(seed);
    Map<String, float[]> m = new LinkedHashMap<>();
    for (Map.Entry<String, long[]> e : shapes().entrySet()) {
      long[] shape = e.getValue();
      float[] v = new float[(int) HelmetNet.count(shape)];
      if (e.getKey().endsWith("/w")) {
        long fanIn = HelmetNet.count(shape) / shape[shape.length - 1];
        double std = Math.sqrt((e.getKey().startsWith("out") ? 0.1 : 2.0) / fanIn);
        for (int i = 0; i < v.length; i++) {
          v[i] = (float) (random.nextGaussian() * std);
        }
      } else if (e.getKey().equals("out/b")) {
        v[0] = HEAT_PRIOR;
      }
      m.put(e.getKey(), v);
    }
    return m;
  }

  static Operand<TFloat32> output(
      Ops tf, Operand<TFloat32> input, Function<String, Operand<TFloat32>> param) {
    Operand<TFloat32> x = tf.math.sub(input, tf.constant(0.5f));
    for (Object[] l : LAYERS) {
      long stride = (Integer) l[4];
      x = tf.nn.conv2d(x, param.apply(l[0] + "/w"), List.of(1L, stride, stride, 1L), "SAME");
      x = tf.nn.biasAdd(x, param.apply(l[0] + "/b"));
      if (l[0].equals("out")) {
        break;
      }
      x = tf.nn.relu(x);
      if (l[0].equals("c1") || l[0].equals("c2")) {
        x =
            tf.nn.maxPool(
                x,
                tf.constant(new int[] {1, 2, 2, 1}),
                tf.constant(new int[] {1, 2, 2, 1}),
                "VALID");
      }
    }
    return x;
  }

  /**
   * Penalty-reduced focal loss on the centres plus L1 on sizes and offsets at the centres, both per
   * labelled head.
   *
   * @param targets {@code [N, G, G, 7]}: centre mask, negative weight {@code (1 - gaussian)^4},
   *     regression mask, log width, log height, x offset, y offset
   * @param heads number of labelled heads in the batch (at least 1)
   */
  static Operand<TFloat32> loss(
      Ops tf, Operand<TFloat32> out, Operand<TFloat32> targets, Operand<TFloat32> heads) {
    Split<TFloat32> o = tf.split(tf.constant(3), out, 5L);
    Split<TFloat32> t = tf.split(tf.constant(3), targets, 7L);
    Operand<TFloat32> z = o.output().get(0);
    Operand<TFloat32> p = tf.math.sigmoid(z);
    Operand<TFloat32> one = tf.constant(1f);
    Operand<TFloat32> q = tf.math.sub(one, p);
    Operand<TFloat32> pos =
        tf.math.mul(
            t.output().get(0), tf.math.mul(tf.math.mul(q, q), softplus(tf, tf.math.neg(z))));
    Operand<TFloat32> neg =
        tf.math.mul(t.output().get(1), tf.math.mul(tf.math.mul(p, p), softplus(tf, z)));
    Operand<TFloat32> reg = tf.constant(0f);
    for (int i = 1; i < 5; i++) {
      reg = tf.math.add(reg, tf.math.abs(tf.math.sub(o.output().get(i), t.output().get(i + 2))));
    }
    reg = tf.math.mul(t.output().get(2), reg);
    Operand<TFloat32> all = tf.math.add(tf.math.add(pos, neg), reg);
    return tf.math.div(tf.sum(all, tf.constant(new int[] {0, 1, 2, 3})), heads);
  }

  private static Operand<TFloat32> softplus(Ops tf, Operand<TFloat32> z) {
    return tf.math.add(tf.nn.relu(z), tf.math.log1p(tf.math.exp(tf.math.neg(tf.math.abs(z)))));
  }
}
