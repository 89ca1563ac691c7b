package dev.vigil.inference.helmet;

import dev.vigil.inference.helmet.HelmetCrops.CropSet;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.framework.optimizers.Adam;
import org.tensorflow.framework.optimizers.Optimizer;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.family.TType;

/**
 * The helmet network in TensorFlow graph mode with its loss, two Adam steps (the normal and the
 * fine learning rate) and the session that runs them. Owns the graph and the session and closes
 * both. Not thread-safe: one training run uses it.
 */
final class HelmetTrainingGraph implements AutoCloseable {

  /** Crops per batch when only scoring. */
  private static final int SCORE_BATCH = 256;

  private final Graph g;
  private final Session session;
  private final int s;
  private final Map<String, float[]> init;
  private final Placeholder<TFloat32> x;
  private final Placeholder<TFloat32> y;
  private final Map<String, Variable<TFloat32>> vars = new LinkedHashMap<>();
  private final Operand<TFloat32> logits;
  private final Operand<TFloat32> loss;
  private final Op step;
  private final Op fineStep;

  /**
   * Builds the graph for crops of side {@code s} from the weights {@code init} and starts its
   * session.
   */
  HelmetTrainingGraph(Map<String, float[]> init, int s, float learningRate, int threads) {
    this.init = init;
    this.s = s;
    this.g = new Graph();
    try {
      Ops tf = Ops.create(g);
      x =
          tf.withName("crops")
              .placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, s, s, 3)));
      y = tf.withName("labels").placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, 1)));
      for (Map.Entry<String, long[]> e : HelmetNet.shapes().entrySet()) {
        vars.put(
            e.getKey(),
            tf.withName(e.getKey().replace('/', '_'))
                .variable(
                    tf.constant(
                        Shape.of(e.getValue()),
                        DataBuffers.of(init.get(e.getKey()), true, false))));
      }
      logits = HelmetNet.logits(tf, x, vars::get);
      loss = HelmetNet.loss(tf, logits, y);
      // A two-stage schedule: the last epochs at a tenth of the learning rate (a second Adam with
      // its own moments), which settles the weights.
      Adam adam = new Adam(g, learningRate);
      List<Optimizer.GradAndVar<? extends TType>> grads = new ArrayList<>();
      for (Optimizer.GradAndVar<?> gv : adam.computeGradients(loss)) {
        grads.add(gv);
      }
      step = adam.applyGradients(grads, "step");
      fineStep = new Adam(g, "AdamFine", learningRate / 10).applyGradients(grads, "fine");
      ConfigProto config =
          ConfigProto.newBuilder()
              .setIntraOpParallelismThreads(threads)
              .setInterOpParallelismThreads(1)
              .build();
      session = new Session(g, config);
    } catch (RuntimeException | Error e) {
      g.close();
      throw e;
    }
    try {
      session.initialize();
    } catch (RuntimeException | Error e) {
      close();
      throw e;
    }
  }

  /**
   * One pass over {@code set} in batches shuffled by {@code random}, at the fine learning rate when
   * {@code fine}.
   *
   * @return the mean training loss of the pass
   */
  double trainEpoch(CropSet set, int batchSize, boolean fine, Random random) {
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < set.n(); i++) {
      order.add(i);
    }
    Collections.shuffle(order, random);
    double sum = 0;
    for (int b = 0; b < order.size(); b += batchSize) {
      List<Integer> idx = order.subList(b, Math.min(order.size(), b + batchSize));
      try (TFloat32 xs = HelmetCrops.batchPixels(set, idx, s);
          TFloat32 ys = HelmetCrops.batchLabels(set, idx);
          Result r =
              session
                  .runner()
                  .feed(x, xs)
                  .feed(y, ys)
                  .addTarget(fine ? fineStep : step)
                  .fetch(loss)
                  .run()) {
        sum += ((TFloat32) r.get(0)).getFloat() * idx.size();
      }
    }
    return sum / set.n();
  }

  /** Loss, accuracy and recalls on a set, without training. */
  HelmetScores score(CropSet set) {
    if (set.n() == 0) {
      return new HelmetScores(0, 0, 0, 0);
    }
    double[] lossSum = new double[1];
    float[] z = run(set, lossSum);
    return HelmetScores.of(z, set.labels(), set.n(), lossSum[0] / set.n());
  }

  /** The logit of every crop of a set, in order. */
  float[] logits(CropSet set) {
    return run(set, null);
  }

  /** The current weights by name, copied out of the session. */
  Map<String, float[]> weights() {
    Map<String, float[]> trained = new LinkedHashMap<>();
    for (Map.Entry<String, Variable<TFloat32>> e : vars.entrySet()) {
      try (Result r = session.runner().fetch(e.getValue()).run()) {
        float[] values = new float[init.get(e.getKey()).length];
        ((TFloat32) r.get(0)).copyTo(DataBuffers.of(values, false, false));
        trained.put(e.getKey(), values);
      }
    }
    return trained;
  }

  /** The logits of a set; with {@code lossSum}, also adds up the loss there (weighted by crops). */
  private float[] run(CropSet set, double[] lossSum) {
    float[] out = new float[set.n()];
    for (int b = 0; b < set.n(); b += SCORE_BATCH) {
      List<Integer> idx = new ArrayList<>();
      for (int i = b; i < Math.min(set.n(), b + SCORE_BATCH); i++) {
        idx.add(i);
      }
      try (TFloat32 xs = HelmetCrops.batchPixels(set, idx, s);
          TFloat32 ys = lossSum == null ? null : HelmetCrops.batchLabels(set, idx);
          Result r =
              lossSum == null
                  ? session.runner().feed(x, xs).fetch(logits).run()
                  : session.runner().feed(x, xs).feed(y, ys).fetch(logits).fetch(loss).run()) {
        float[] z = new float[idx.size()];
        ((TFloat32) r.get(0)).copyTo(DataBuffers.of(z, false, false));
        System.arraycopy(z, 0, out, b, z.length);
        if (lossSum != null) {
          lossSum[0] += ((TFloat32) r.get(1)).getFloat() * idx.size();
        }
      }
    }
    return out;
  }

  @Override
  public void close() {
    try {
      session.close();
    } finally {
      g.close();
    }
  }
}
