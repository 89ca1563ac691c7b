package dev.vigil.inference.helmet;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Split;
import org.tensorflow.types.TFloat32;

/**
 * The head detector's architecture: a small CenterNet-style head on the frozen stride-{@value
 * #STRIDE} features of MoveNet MultiPose, which the pose model computes anyway. It reads the FPN
 * output, its backbone's stride-4 block, the keypoint heatmaps and the person-centre heatmap (see
 * {@link #FEATURES}), and writes per cell a head-centre logit, the log width and height of the head
 * in cells, the centre's offset within the cell, and a helmet logit. Sharing the backbone keeps
 * heads nearly free, and the pretrained features find small and crowded heads that a network
 * trained from scratch on 448 images misses. Stateless.
 */
final class HeadNet {

  /** Output stride in pixels of the model input. */
  static final int STRIDE = 4;

  /** Values per output cell: centre logit, log w, log h, x offset, y offset, helmet logit. */
  static final int OUTPUTS = 6;

  /** Prior of the centre logit's bias: sigmoid(-2.19) = 0.1, as CenterNet starts. */
  static final float HEAT_PRIOR = -2.19f;

  private static final String BACKBONE =
      "StatefulPartitionedCall/center_net_mobile_net_v2fpn_feature_extractor/model_1/";

  /**
   * The MoveNet tensors the head reads, all at stride 4: the FPN output, the keypoint head's hidden
   * layer, the 17 keypoint heatmaps, the person-centre heatmap, and the MobileNetV2 backbone's own
   * stride-4 block. The FPN output mixes in coarse person context; the backbone block keeps the
   * edges and texture of small heads (on TUNE it took detector F1 from 0.734 to 0.767).
   */
  private static final String[] FEATURES = {
    BACKBONE + "re_lu_2/Relu",
    "StatefulPartitionedCall/kpt_heatmap_0/re_lu_6/Relu",
    "StatefulPartitionedCall/Sigmoid_1",
    "StatefulPartitionedCall/Sigmoid",
    BACKBONE + "model/block_2_add/add",
  };

  /** Channels of the concatenated features. */
  static final int CHANNELS = 24 + 96 + 17 + 1 + 40;

  /**
   * Layers as name, kernel, in, out. Three 3x3 layers see 7 x 7 cells (28 px of a 256 px input)
   * around each centre. Chosen on TUNE against two 3x3 layers of 48 (F1 0.796, no-helmet MAE
   * 0.533), three of 48 (0.811, 0.583) and four of 48 (0.819, 0.550): this one gave 0.831 and
   * 0.492, at about 1.25x the bare person model instead of 1.1x (helmet/README.md).
   */
  private static final Object[][] LAYERS = {
    {"h1", 1, CHANNELS, 64},
    {"h2", 3, 64, 64},
    {"h3", 3, 64, 64},
    {"h4", 3, 64, 64},
    {"out", 1, 64, OUTPUTS},
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

  /**
   * He-normal weights, but a twentieth of the gain for the output layer, and the centre logit's
   * bias at {@link #HEAT_PRIOR}.
   */
  static Map<String, float[]> initial(long seed) {
    Map<String, float[]> m =
        HelmetNet.heNormal(shapes(), seed, name -> name.startsWith("out") ? 0.1 : 2.0);
    m.get("out/b")[0] = HEAT_PRIOR;
    return m;
  }

  /**
   * The features the head reads, {@code [1, H/4, W/4, CHANNELS]}, from a graph into which the
   * MoveNet MultiPose GraphDef was imported without a prefix.
   */
  static Operand<TFloat32> features(Ops tf, Graph movenet) {
    List<Operand<TFloat32>> parts = new ArrayList<>();
    for (String name : FEATURES) {
      GraphOperation op = movenet.operation(name);
      if (op == null) {
        throw new IllegalArgumentException("Not a MoveNet MultiPose graph: no " + name);
      }
      parts.add(op.output(0));
    }
    return tf.concat(parts, tf.constant(3));
  }

  static Operand<TFloat32> output(
      Ops tf, Operand<TFloat32> features, Function<String, Operand<TFloat32>> param) {
    Operand<TFloat32> x = features;
    for (Object[] l : LAYERS) {
      x = tf.nn.conv2d(x, param.apply(l[0] + "/w"), List.of(1L, 1L, 1L, 1L), "SAME");
      x = tf.nn.biasAdd(x, param.apply(l[0] + "/b"));
      if (!l[0].equals("out")) {
        x = tf.nn.relu(x);
      }
    }
    return x;
  }

  /**
   * Penalty-reduced focal loss on the centres, L1 on sizes and offsets at the centres, and binary
   * cross-entropy of the helmet logit at the centres, all per labelled head.
   *
   * @param targets {@code [N, Gh, Gw, 8]}: centre mask, negative weight {@code (1 - gaussian)^4},
   *     regression mask, log width, log height, x offset, y offset, helmet (1) or bare head (0)
   * @param heads number of labelled heads in the batch (at least 1)
   */
  static Operand<TFloat32> loss(
      Ops tf, Operand<TFloat32> out, Operand<TFloat32> targets, Operand<TFloat32> heads) {
    Split<TFloat32> o = tf.split(tf.constant(3), out, (long) OUTPUTS);
    Split<TFloat32> t = tf.split(tf.constant(3), targets, 8L);
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
    Operand<TFloat32> h = o.output().get(5);
    Operand<TFloat32> y = t.output().get(7);
    Operand<TFloat32> bce =
        tf.math.add(
            tf.math.mul(y, softplus(tf, tf.math.neg(h))),
            tf.math.mul(tf.math.sub(one, y), softplus(tf, h)));
    reg = tf.math.mul(t.output().get(2), tf.math.add(reg, bce));
    Operand<TFloat32> all = tf.math.add(tf.math.add(pos, neg), reg);
    return tf.math.div(tf.sum(all, tf.constant(new int[] {0, 1, 2, 3})), heads);
  }

  private static Operand<TFloat32> softplus(Ops tf, Operand<TFloat32> z) {
    return tf.math.add(tf.nn.relu(z), tf.math.log1p(tf.math.exp(tf.math.neg(tf.math.abs(z)))));
  }
}
