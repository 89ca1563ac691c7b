package dev.vigil.inference.helmet;

import static org.bytedeco.opencv.global.opencv_core.BORDER_CONSTANT;
import static org.bytedeco.opencv.global.opencv_core.CV_64FC1;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imread;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_LINEAR;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;
import static org.bytedeco.opencv.global.opencv_imgproc.warpAffine;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.config.Box;
import dev.vigil.inference.InferenceException;
import dev.vigil.inference.vision.PoseDetector;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;
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
import org.tensorflow.proto.GraphDef;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.family.TType;

/**
 * Trains the {@link HeadDetector} on the head and helmet boxes of a Pascal VOC folder's {@link
 * VocDataset.Split#TRAIN} images, in TensorFlow Java graph mode with Adam (the last quarter of the
 * epochs at a tenth of the rate). MoveNet stays frozen: each step runs it image by image on the
 * batch to get its features, then trains {@link HeadNet} on them. Each epoch re-draws every image
 * at a random scale, position and mirror. Seeded, like {@link HelmetTrainer}. Stateless; each call
 * owns its graph and session.
 */
public final class HeadDetectorTrainer {

  private HeadDetectorTrainer() {}

  /** The settings the committed detector was trained with, but for seed and epochs. */
  public static HelmetTrainer.Options defaults(long seed, int epochs) {
    CctvAugment.Colour c = CctvAugment.Colour.DEFAULT;
    return new HelmetTrainer.Options(
        seed, epochs, 16, 2e-3f, 256, 0, 2, HeadCrop.DEFAULT_MARGIN, c.greyShare(), c.cast(), 0);
  }

  /**
   * What a run did.
   *
   * @param epochLosses mean training loss of each epoch
   * @param validation the detector alone on the validation split, helmets judged by its own helmet
   *     output
   */
  public record Outcome(List<Double> epochLosses, DetectionMetrics.Report validation) {
    public Outcome {
      epochLosses = List.copyOf(epochLosses);
    }
  }

  /**
   * Trains and writes {@code head-detector.json/.bin} into {@code outDir}.
   *
   * @param movenet the MoveNet MultiPose GraphDef whose features the detector reads
   */
  public static Outcome train(
      Path vocDir, Path outDir, GraphDef movenet, HelmetTrainer.Options o, PrintStream log) {
    return train(vocDir, List.of(), VocDataset.Split.TRAIN, outDir, movenet, o, log);
  }

  /**
   * Trains on one split ({@code TRAIN}, or {@code FIT} while choosing settings) of the main folder
   * and of each further labelled folder, and validates on the main folder's split held out from it;
   * each further folder's held-out split is reported on its own line.
   */
  public static Outcome train(
      Path vocDir,
      List<Path> extra,
      VocDataset.Split split,
      Path outDir,
      GraphDef movenet,
      HelmetTrainer.Options o,
      PrintStream log) {
    long t0 = System.nanoTime();
    List<VocImage> train = new ArrayList<>(limit(VocDataset.read(vocDir, split), o.maxImages()));
    List<VocImage> val = limit(VocDataset.read(vocDir, split.heldOut()), o.maxImages());
    Map<Path, List<Box>> unlabelled = new LinkedHashMap<>();
    for (Path dir : extra) {
      List<VocImage> images = limit(VocDataset.read(dir, split), o.maxImages());
      train.addAll(images);
      unlabelled.putAll(UnlabelledHeads.of(images));
    }
    int s = o.inputSize();
    if (s % 32 != 0) {
      throw new IllegalArgumentException("The input size must be a multiple of 32: " + s);
    }
    int g = s / HeadNet.STRIDE;
    int c = HeadNet.CHANNELS;
    log.printf(
        Locale.ROOT,
        "heads: training on %d images, validating on %d, input %d px%n",
        train.size(),
        val.size(),
        s);
    Random random = new Random(o.seed());
    Map<String, float[]> init = HeadNet.initial(o.seed());
    List<Double> epochLosses = new ArrayList<>();
    Map<String, float[]> trained = new LinkedHashMap<>();
    try (Graph graph = new Graph()) {
      graph.importGraphDef(movenet);
      Ops tf = Ops.create(graph);
      Operand<TFloat32> features = HeadNet.features(tf, graph);
      Placeholder<TFloat32> x =
          tf.withName("features")
              .placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, g, g, c)));
      Placeholder<TFloat32> targets =
          tf.withName("targets")
              .placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, g, g, 8)));
      Placeholder<TFloat32> heads =
          tf.withName("heads").placeholder(TFloat32.class, Placeholder.shape(Shape.scalar()));
      Map<String, Variable<TFloat32>> vars = new LinkedHashMap<>();
      for (Map.Entry<String, long[]> e : HeadNet.shapes().entrySet()) {
        vars.put(
            e.getKey(),
            tf.withName("head_" + e.getKey().replace('/', '_'))
                .variable(
                    tf.constant(
                        Shape.of(e.getValue()),
                        DataBuffers.of(init.get(e.getKey()), true, false))));
      }
      Operand<TFloat32> out = HeadNet.output(tf, x, vars::get);
      Operand<TFloat32> loss = HeadNet.loss(tf, out, targets, heads);
      Adam adam = new Adam(graph, o.learningRate());
      List<Optimizer.GradAndVar<? extends TType>> grads = new ArrayList<>();
      for (Optimizer.GradAndVar<?> gv : adam.computeGradients(loss)) {
        grads.add(gv);
      }
      Op step = adam.applyGradients(grads, "step");
      Op fineStep =
          new Adam(graph, "AdamFine", o.learningRate() / 10).applyGradients(grads, "fine");
      int fineFrom = o.epochs() - o.epochs() / 4 + 1;
      try (Session session =
          new Session(
              graph,
              ConfigProto.newBuilder()
                  .setIntraOpParallelismThreads(o.threads())
                  .setInterOpParallelismThreads(1)
                  .build())) {
        session.initialize();
        int per = g * g * c;
        int tper = g * g * 8;
        for (int epoch = 1; epoch <= o.epochs(); epoch++) {
          long e0 = System.nanoTime();
          List<Integer> order = new ArrayList<>();
          for (int i = 0; i < train.size(); i++) {
            order.add(i);
          }
          Collections.shuffle(order, random);
          double sum = 0;
          int steps = 0;
          for (int b = 0; b < order.size(); b += o.batchSize()) {
            List<Integer> idx = order.subList(b, Math.min(order.size(), b + o.batchSize()));
            float[] fs = new float[idx.size() * per];
            float[] tg = new float[idx.size() * tper];
            int n = 0;
            for (int k = 0; k < idx.size(); k++) {
              try (TInt32 image = TInt32.tensorOf(Shape.of(1, s, s, 3))) {
                VocImage drawn = train.get(idx.get(k));
                n +=
                    draw(
                        drawn,
                        unlabelled.getOrDefault(drawn.image(), List.of()),
                        s,
                        random,
                        image,
                        tg,
                        k * tper);
                try (Result r = session.runner().feed("input", image).fetch(features).run()) {
                  ((TFloat32) r.get(0)).copyTo(DataBuffers.of(fs, false, false).offset(k * per));
                }
              }
            }
            try (TFloat32 xs =
                    TFloat32.tensorOf(
                        Shape.of(idx.size(), g, g, c), DataBuffers.of(fs, true, false));
                TFloat32 ts =
                    TFloat32.tensorOf(
                        Shape.of(idx.size(), g, g, 8), DataBuffers.of(tg, true, false));
                TFloat32 hs = TFloat32.scalarOf(Math.max(1, n));
                Result r =
                    session
                        .runner()
                        .feed(x, xs)
                        .feed(targets, ts)
                        .feed(heads, hs)
                        .addTarget(epoch >= fineFrom ? fineStep : step)
                        .fetch(loss)
                        .run()) {
              sum += ((TFloat32) r.get(0)).getFloat();
              steps++;
            }
          }
          epochLosses.add(sum / steps);
          log.printf(
              Locale.ROOT,
              "heads: epoch %d/%d loss %.4f (%.1f s)%n",
              epoch,
              o.epochs(),
              sum / steps,
              (System.nanoTime() - e0) / 1e9);
        }
        for (Map.Entry<String, Variable<TFloat32>> e : vars.entrySet()) {
          try (Result r = session.runner().fetch(e.getValue()).run()) {
            float[] values = new float[init.get(e.getKey()).length];
            ((TFloat32) r.get(0)).copyTo(DataBuffers.of(values, false, false));
            trained.put(e.getKey(), values);
          }
        }
      }
    }
    ObjectNode info = o.trainingInfo(split);
    info.put("backbone", "MoveNet MultiPose Lightning, frozen");
    for (Path dir : extra) {
      info.withArray("extra")
          .add(dir.getFileName() + ": " + split + " by sources.csv source_split, else name hash");
    }
    HelmetWeights weights = new HelmetWeights(HelmetWeights.Kind.DETECTOR, s, 0, trained, info);
    try {
      weights.write(outDir);
    } catch (IOException e) {
      throw new InferenceException("Cannot write head detector to " + outDir + ": " + e, e);
    }
    HeadDetector detector = HeadDetector.read(outDir);
    DetectionMetrics.Report report = validate(movenet, detector, val, o.threads());
    log.printf(
        Locale.ROOT,
        "heads: done in %.0f s; validation head precision %.3f recall %.3f F1 %.3f, helmet"
            + " accuracy %.3f; weights in %s%n",
        (System.nanoTime() - t0) / 1e9,
        report.headPrecision(),
        report.headRecall(),
        report.headF1(),
        report.helmetAccuracy(),
        outDir);
    for (Path dir : extra) {
      List<VocImage> held = limit(VocDataset.read(dir, split.heldOut()), o.maxImages());
      DetectionMetrics.Report r = validate(movenet, detector, held, o.threads());
      log.printf(
          Locale.ROOT,
          "heads: %s %s (%d images): head precision %.3f recall %.3f F1 %.3f%n",
          dir.getFileName(),
          split.heldOut(),
          held.size(),
          r.headPrecision(),
          r.headRecall(),
          r.headF1());
    }
    return new Outcome(epochLosses, report);
  }

  /** The detector alone on images, judging helmets by its own helmet output at 0.5. */
  static DetectionMetrics.Report validate(
      GraphDef movenet, HeadDetector detector, List<VocImage> images, int threads) {
    DetectionMetrics metrics = new DetectionMetrics();
    try (PoseDetector poses =
        new PoseDetector(
            movenet,
            threads,
            PoseDetector.DEFAULT_LONG_SIDE,
            detector,
            HeadDetector.DEFAULT_MIN_SCORE)) {
      for (VocImage image : images) {
        try (Mat bgr = imread(image.image().toString(), IMREAD_COLOR)) {
          List<HeadPrediction> predicted = new ArrayList<>();
          for (HeadDetector.DetectedHead h : poses.detect(bgr, 1.1).heads()) {
            predicted.add(new HeadPrediction(h.box(), h.score(), h.helmetProbability() >= 0.5));
          }
          metrics.add(predicted, image.heads());
        }
      }
    }
    return metrics.report(0);
  }

  /**
   * Draws one image at a random scale, place and mirror into the model input, with its targets.
   *
   * @param ignore regions of the image (fractions) where a head is unlabelled: neither a head nor
   *     background there
   * @return the number of labelled heads drawn
   */
  static int draw(
      VocImage image, List<Box> ignore, int s, Random random, TInt32 input, float[] tg, int tOff) {
    int g = s / HeadNet.STRIDE;
    try (Mat bgr = imread(image.image().toString(), IMREAD_COLOR)) {
      if (bgr == null || bgr.empty()) {
        throw new InferenceException("Cannot decode " + image.image());
      }
      int w = bgr.cols();
      int h = bgr.rows();
      double a = (double) s / Math.max(w, h) * (0.6 + 0.7 * random.nextDouble());
      double sw = a * w;
      double sh = a * h;
      double tx = Math.min(0, s - sw) + random.nextDouble() * Math.abs(s - sw);
      double ty = Math.min(0, s - sh) + random.nextDouble() * Math.abs(s - sh);
      boolean mirror = random.nextBoolean();
      warp(bgr, s, a, mirror, tx, ty, input);
      int n = 0;
      float[] heat = new float[g * g];
      Placement place = new Placement(w, h, a, mirror, tx, ty);
      for (LabelledHead head : image.heads()) {
        Placement.OnCanvas p = place.of(head.box());
        double cx = (p.x1() + p.x2()) / 2 / HeadNet.STRIDE;
        double cy = (p.y1() + p.y2()) / 2 / HeadNet.STRIDE;
        if (cx < 0 || cy < 0 || cx >= g || cy >= g) {
          continue;
        }
        double bw = (p.x2() - p.x1()) / HeadNet.STRIDE;
        double bh = (p.y2() - p.y1()) / HeadNet.STRIDE;
        int ci = (int) cx;
        int cj = (int) cy;
        double sigma = Math.max(0.5, Math.min(bw, bh) / 4);
        int r = (int) Math.ceil(3 * sigma);
        for (int j = Math.max(0, cj - r); j <= Math.min(g - 1, cj + r); j++) {
          for (int i = Math.max(0, ci - r); i <= Math.min(g - 1, ci + r); i++) {
            double d2 = (i - ci) * (i - ci) + (j - cj) * (j - cj);
            heat[j * g + i] =
                (float) Math.max(heat[j * g + i], Math.exp(-d2 / (2 * sigma * sigma)));
          }
        }
        int c = tOff + (cj * g + ci) * 8;
        tg[c] = 1;
        tg[c + 2] = 1;
        tg[c + 3] = (float) Math.log(Math.max(0.25, bw));
        tg[c + 4] = (float) Math.log(Math.max(0.25, bh));
        tg[c + 5] = (float) (cx - ci);
        tg[c + 6] = (float) (cy - cj);
        tg[c + 7] = head.helmet() ? 1 : 0;
        n++;
      }
      for (int k = 0; k < g * g; k++) {
        int c = tOff + k * 8;
        float q = 1 - heat[k];
        tg[c + 1] = tg[c] > 0 ? 0 : q * q * q * q;
      }
      for (Box b : ignore) {
        Placement.OnCanvas p = place.of(b);
        int i0 = Math.max(0, (int) Math.floor(p.x1() / HeadNet.STRIDE));
        int i1 = Math.min(g - 1, (int) Math.ceil(p.x2() / HeadNet.STRIDE));
        int j0 = Math.max(0, (int) Math.floor(p.y1() / HeadNet.STRIDE));
        int j1 = Math.min(g - 1, (int) Math.ceil(p.y2() / HeadNet.STRIDE));
        for (int j = j0; j <= j1; j++) {
          for (int i = i0; i <= i1; i++) {
            tg[tOff + (j * g + i) * 8 + 1] = 0;
          }
        }
      }
      return n;
    }
  }

  /** Where a box of a w x h image lands on the canvas {@link #warp} draws it into. */
  private record Placement(int w, int h, double a, boolean mirror, double tx, double ty) {
    /** A box in canvas pixels. */
    record OnCanvas(double x1, double y1, double x2, double y2) {}

    OnCanvas of(Box b) {
      double x1 = mirror ? tx + a * (w - b.x2() * w) : tx + a * b.x1() * w;
      double y1 = ty + a * b.y1() * h;
      return new OnCanvas(x1, y1, x1 + a * b.width() * w, y1 + a * b.height() * h);
    }
  }

  /**
   * Scales a frame by {@code a} (mirrored if asked), shifts it by (tx, ty) into an s x s black
   * canvas, and writes it into the model input as RGB ints 0..255. A frame point x maps to {@code a
   * x + tx}, or {@code tx + a (w - x)} when mirrored.
   */
  static void warp(Mat bgr, int s, double a, boolean mirror, double tx, double ty, TInt32 input) {
    if (a < 1) {
      // Shrink with area averaging first: warpAffine alone would alias.
      try (Mat small = new Mat();
          Size smallSize =
              new Size(
                  Math.max(1, (int) Math.round(bgr.cols() * a)),
                  Math.max(1, (int) Math.round(bgr.rows() * a)))) {
        resize(bgr, small, smallSize, 0, 0, INTER_AREA);
        warp(small, s, 1, mirror, tx, ty, input);
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
        Size size = new Size(s, s);
        Scalar black = new Scalar(0.0)) {
      warpAffine(bgr, warped, matrix, size, INTER_LINEAR, BORDER_CONSTANT, black);
      PoseDetector.write(warped, input);
    }
  }

  private static List<VocImage> limit(List<VocImage> images, int max) {
    return max > 0 && images.size() > max ? images.subList(0, max) : images;
  }
}
