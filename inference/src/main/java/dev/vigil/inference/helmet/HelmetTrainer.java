package dev.vigil.inference.helmet;

import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imread;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.config.Box;
import dev.vigil.inference.InferenceException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.bytedeco.opencv.opencv_core.Mat;
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
 * Trains the helmet classifier on the head and helmet boxes of a Pascal VOC folder (the {@code
 * hardhat} dataset), in TensorFlow Java graph mode with Adam; the last quarter of the epochs runs
 * at a tenth of the learning rate.
 *
 * <p>Crops come from the {@link VocDataset.Split#TRAIN} images only, re-cut every epoch with random
 * shift, scale, mirror, brightness and contrast; the {@link VocDataset.Split#VALIDATION} images are
 * only scored. Given a {@link HeadFinder}, the heads it finds in the training images are crops too,
 * each with the class of the label it matches: the classifier then learns from the boxes it will be
 * shown, which sit less neatly than the labels (a box on the face alone cuts off the helmet).
 * Weights start from a seeded generator, batches are shuffled by the same seed, so a run is
 * reproducible up to floating-point summation order.
 *
 * <p>Stateless; each {@link #train} call owns its own graph and session and closes them.
 */
public final class HelmetTrainer {

  private HelmetTrainer() {}

  /**
   * How to train.
   *
   * @param seed seed of weight initialisation, shuffling and augmentation
   * @param epochs passes over the training crops
   * @param batchSize crops per step
   * @param learningRate Adam's learning rate
   * @param inputSize side of the square crops in pixels
   * @param maxImages use at most this many images of each split (0: all), for quick runs
   * @param threads TensorFlow intra-op threads
   * @param margin context around each head box in its crop, as a share of its longer side
   */
  public record Options(
      long seed,
      int epochs,
      int batchSize,
      float learningRate,
      int inputSize,
      int maxImages,
      int threads,
      double margin) {

    /** Options with the default context margin ({@link HeadCrop#DEFAULT_MARGIN}). */
    public Options(
        long seed,
        int epochs,
        int batchSize,
        float learningRate,
        int inputSize,
        int maxImages,
        int threads) {
      this(
          seed,
          epochs,
          batchSize,
          learningRate,
          inputSize,
          maxImages,
          threads,
          HeadCrop.DEFAULT_MARGIN);
    }

    /** The settings the committed weights were trained with, but for seed and epochs. */
    public Options {
      if (epochs < 0
          || batchSize <= 0
          || inputSize < 16
          || maxImages < 0
          || threads < 0
          || !(margin >= 0 && margin <= 1)) {
        throw new IllegalArgumentException(
            "Bad helmet training options: epochs "
                + epochs
                + ", batch "
                + batchSize
                + ", input "
                + inputSize
                + ", max images "
                + maxImages
                + ", threads "
                + threads
                + ", margin "
                + margin);
      }
    }

    /** The training facts both trainers record in their weights' manifest. */
    ObjectNode trainingInfo(VocDataset.Split split) {
      ObjectNode info = new ObjectMapper().createObjectNode();
      info.put("dataset", "Hard Hat Workers (CC0 1.0), doi:10.7910/DVN/7CBGOS");
      info.put("split", split.describe());
      info.put("seed", seed);
      info.put("epochs", epochs);
      info.put("batch_size", batchSize);
      info.put("learning_rate", learningRate);
      info.put("max_images", maxImages);
      info.put("margin", margin);
      return info;
    }

    public static Options defaults(long seed, int epochs) {
      return new Options(seed, epochs, 64, 2e-3f, 48, 0, 2);
    }

    public Options withMaxImages(int n) {
      return new Options(seed, epochs, batchSize, learningRate, inputSize, n, threads, margin);
    }

    public Options withBatchSize(int n) {
      return new Options(seed, epochs, n, learningRate, inputSize, maxImages, threads, margin);
    }

    public Options withMargin(double m) {
      return new Options(seed, epochs, batchSize, learningRate, inputSize, maxImages, threads, m);
    }
  }

  /**
   * What a training run did.
   *
   * @param trainCrops crops trained on: labelled heads, and found heads matched to one
   * @param detectedCrops of those, the heads found by the {@link HeadFinder}
   * @param validationCrops labelled heads in the validation images
   * @param epochLosses mean (augmented) training loss of each epoch
   * @param trainLossBefore loss on the un-augmented training crops before the first step
   * @param trainLossAfter the same after the last step
   * @param validationLoss loss on the validation crops after training
   * @param validationAccuracy share of validation crops classified right at 0.5
   * @param validationHelmetRecall share of validation helmets judged helmet
   * @param validationHeadRecall share of validation bare heads judged bare
   * @param seconds wall time of the run
   */
  public record Report(
      int trainCrops,
      int detectedCrops,
      int validationCrops,
      List<Double> epochLosses,
      double trainLossBefore,
      double trainLossAfter,
      double validationLoss,
      double validationAccuracy,
      double validationHelmetRecall,
      double validationHeadRecall,
      double seconds) {
    public Report {
      epochLosses = List.copyOf(epochLosses);
    }
  }

  /**
   * Finds the heads perception would judge in an image, as perception finds them (the head
   * detector), so the classifier trains on the boxes it will crop.
   */
  @FunctionalInterface
  public interface HeadFinder {
    /** The heads found in one frame (8-bit BGR). */
    List<HeadDetector.DetectedHead> find(Mat bgr);
  }

  private record Sample(int image, LabelledHead head) {}

  /** Crops with their labels, ready to feed. */
  private record CropSet(float[] pixels, float[] labels, int n) {}

  /**
   * Trains on {@code vocDir} and writes the weights into {@code outDir}.
   *
   * @param log receives one progress line per epoch and a summary
   */
  public static Report train(Path vocDir, Path outDir, Options o, PrintStream log) {
    return train(vocDir, VocDataset.Split.TRAIN, outDir, o, log);
  }

  /**
   * Trains on one split ({@code TRAIN}, or {@code FIT} while choosing settings) and validates on
   * the split held out from it.
   */
  public static Report train(
      Path vocDir, VocDataset.Split split, Path outDir, Options o, PrintStream log) {
    return train(vocDir, split, outDir, o, null, log);
  }

  /**
   * Trains on one split, on the labelled heads and on the heads {@code finder} finds in its images
   * and matches to a label (IoU at least {@link HeadMatcher#DEFAULT_MIN_IOU}, greedy by score).
   * Validation scores the labelled boxes only, so its figures compare across finders.
   *
   * @param finder the head finder, or null to train on the labelled boxes only
   */
  public static Report train(
      Path vocDir,
      VocDataset.Split split,
      Path outDir,
      Options o,
      HeadFinder finder,
      PrintStream log) {
    if (split != VocDataset.Split.TRAIN && split != VocDataset.Split.FIT) {
      throw new IllegalArgumentException("Training may only use TRAIN or FIT");
    }
    TrainingSets sets =
        TrainingSets.of(vocDir, split, List.of(), List.of(), List.of(), finder, log);
    return train(sets, split, outDir, o, finder, log);
  }

  /**
   * Trains on {@code sets.train()}, on the labelled heads and on the heads {@code finder} finds in
   * those images and matches to a label, with camera augmentation ({@link CctvAugment}) and the
   * classes balanced by extra draws of the rarer one each epoch. Validates on {@code sets.tune()}
   * (or, when that is empty, on {@code sets.test()}). With a tune set, the logit's temperature is
   * fitted there and folded into the weights; the test set is only scored and reported.
   *
   * @param split the main folder's split, for the manifest
   */
  public static Report train(
      TrainingSets sets,
      VocDataset.Split split,
      Path outDir,
      Options o,
      HeadFinder finder,
      PrintStream log) {
    long t0 = System.nanoTime();
    List<VocImage> train = limit(sets.train(), o.maxImages());
    List<VocImage> tune = limit(sets.tune(), o.maxImages());
    List<VocImage> test = limit(sets.test(), o.maxImages());
    List<VocImage> val = tune.isEmpty() ? test : tune;
    List<Sample> trainSamples = samples(train);
    List<Sample> valSamples = samples(val);
    if (trainSamples.isEmpty()) {
      throw new InferenceException("No helmet or head boxes to train on in " + sets.description());
    }
    int labelled = trainSamples.size();
    if (finder != null) {
      trainSamples.addAll(detectedSamples(train, finder));
      // Image order, so each image is decoded once per epoch.
      trainSamples.sort(Comparator.comparingInt(Sample::image));
    }
    int detected = trainSamples.size() - labelled;
    log.printf(
        Locale.ROOT,
        "helmet: training on %d heads in %d images (%d labelled, %d found by the head detector),"
            + " validating on %d heads in %d images%n",
        trainSamples.size(),
        train.size(),
        labelled,
        detected,
        valSamples.size(),
        val.size());
    Random random = new Random(o.seed());
    int s = o.inputSize();
    CropSet cleanTrain = crops(train, trainSamples, s, o.margin(), null);
    CropSet cleanVal = crops(val, valSamples, s, o.margin(), null);
    Map<String, float[]> init = HelmetNet.initial(o.seed());
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Placeholder<TFloat32> x =
          tf.withName("crops")
              .placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, s, s, 3)));
      Placeholder<TFloat32> y =
          tf.withName("labels").placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, 1)));
      Map<String, Variable<TFloat32>> vars = new LinkedHashMap<>();
      for (Map.Entry<String, long[]> e : HelmetNet.shapes().entrySet()) {
        vars.put(
            e.getKey(),
            tf.withName(e.getKey().replace('/', '_'))
                .variable(
                    tf.constant(
                        Shape.of(e.getValue()),
                        DataBuffers.of(init.get(e.getKey()), true, false))));
      }
      Operand<TFloat32> logits = HelmetNet.logits(tf, x, vars::get);
      Operand<TFloat32> loss = HelmetNet.loss(tf, logits, y);
      // A two-stage schedule: the last quarter of the epochs at a tenth of the learning rate
      // (a second Adam with its own moments), which settles the weights.
      Adam adam = new Adam(g, o.learningRate());
      List<Optimizer.GradAndVar<? extends TType>> grads = new ArrayList<>();
      for (Optimizer.GradAndVar<?> gv : adam.computeGradients(loss)) {
        grads.add(gv);
      }
      Op step = adam.applyGradients(grads, "step");
      Op fineStep = new Adam(g, "AdamFine", o.learningRate() / 10).applyGradients(grads, "fine");
      int fineFrom = o.epochs() - o.epochs() / 4 + 1;
      ConfigProto config =
          ConfigProto.newBuilder()
              .setIntraOpParallelismThreads(o.threads())
              .setInterOpParallelismThreads(1)
              .build();
      try (Session session = new Session(g, config)) {
        session.initialize();
        Scores before = score(session, x, y, logits, loss, cleanTrain, s);
        log.printf(Locale.ROOT, "helmet: initial train loss %.4f%n", before.loss());
        List<Double> epochLosses = new ArrayList<>();
        for (int epoch = 1; epoch <= o.epochs(); epoch++) {
          long e0 = System.nanoTime();
          CropSet set = crops(train, balanced(trainSamples, random), s, o.margin(), random);
          List<Integer> order = new ArrayList<>();
          for (int i = 0; i < set.n(); i++) {
            order.add(i);
          }
          Collections.shuffle(order, random);
          double sum = 0;
          for (int b = 0; b < order.size(); b += o.batchSize()) {
            List<Integer> idx = order.subList(b, Math.min(order.size(), b + o.batchSize()));
            try (TFloat32 xs = batchPixels(set, idx, s);
                TFloat32 ys = batchLabels(set, idx);
                Result r =
                    session
                        .runner()
                        .feed(x, xs)
                        .feed(y, ys)
                        .addTarget(epoch >= fineFrom ? fineStep : step)
                        .fetch(loss)
                        .run()) {
              sum += ((TFloat32) r.get(0)).getFloat() * idx.size();
            }
          }
          double epochLoss = sum / set.n();
          epochLosses.add(epochLoss);
          Scores v = score(session, x, y, logits, loss, cleanVal, s);
          log.printf(
              Locale.ROOT,
              "helmet: epoch %d/%d train loss %.4f, validation loss %.4f accuracy %.3f"
                  + " (%.1f s)%n",
              epoch,
              o.epochs(),
              epochLoss,
              v.loss(),
              v.accuracy(),
              (System.nanoTime() - e0) / 1e9);
        }
        Scores after = score(session, x, y, logits, loss, cleanTrain, s);
        Scores v = score(session, x, y, logits, loss, cleanVal, s);
        Map<String, float[]> trained = new LinkedHashMap<>();
        for (Map.Entry<String, Variable<TFloat32>> e : vars.entrySet()) {
          try (Result r = session.runner().fetch(e.getValue()).run()) {
            float[] values = new float[init.get(e.getKey()).length];
            ((TFloat32) r.get(0)).copyTo(DataBuffers.of(values, false, false));
            trained.put(e.getKey(), values);
          }
        }
        ObjectNode calibration = new ObjectMapper().createObjectNode();
        calibration.put("splits", String.join("; ", sets.description()));
        if (!tune.isEmpty()) {
          float[] z = logitsOf(session, x, logits, cleanVal, s);
          double t = Calibration.fitTemperature(z, cleanVal.labels(), cleanVal.n());
          calibration.put("temperature", t);
          calibration.put("tune_crops", cleanVal.n());
          calibration.put(
              "tune_ece_before", Calibration.ece(z, cleanVal.labels(), cleanVal.n(), 1));
          calibration.put("tune_ece_after", Calibration.ece(z, cleanVal.labels(), cleanVal.n(), t));
          CropSet cleanTest = crops(test, samples(test), s, o.margin(), null);
          float[] zt = logitsOf(session, x, logits, cleanTest, s);
          calibration.put("test_crops", cleanTest.n());
          calibration.put("test_ece", Calibration.ece(zt, cleanTest.labels(), cleanTest.n(), t));
          calibration.put(
              "test_ece_uncalibrated", Calibration.ece(zt, cleanTest.labels(), cleanTest.n(), 1));
          Scores ts = scores(zt, cleanTest.labels(), cleanTest.n(), 0);
          calibration.put("test_accuracy", ts.accuracy());
          calibration.put("test_helmet_recall", ts.helmetRecall());
          calibration.put("test_bare_recall", ts.headRecall());
          // sigmoid(z / t): the last layer's weights and bias divided by t.
          for (String name : List.of("fc/w", "fc/b")) {
            float[] values = trained.get(name);
            for (int i = 0; i < values.length; i++) {
              values[i] /= (float) t;
            }
          }
          log.printf(Locale.ROOT, "helmet: calibration %s%n", calibration);
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        Report report =
            new Report(
                trainSamples.size(),
                detected,
                valSamples.size(),
                epochLosses,
                before.loss(),
                after.loss(),
                v.loss(),
                v.accuracy(),
                v.helmetRecall(),
                v.headRecall(),
                seconds);
        write(outDir, split, o, trained, report, calibration);
        log.printf(
            Locale.ROOT,
            "helmet: done in %.0f s: train loss %.4f -> %.4f; validation loss %.4f, accuracy %.3f,"
                + " helmet recall %.3f, bare-head recall %.3f; weights in %s%n",
            seconds,
            before.loss(),
            after.loss(),
            v.loss(),
            v.accuracy(),
            v.helmetRecall(),
            v.headRecall(),
            outDir);
        return report;
      }
    }
  }

  private static void write(
      Path outDir,
      VocDataset.Split split,
      Options o,
      Map<String, float[]> params,
      Report r,
      ObjectNode calibration) {
    ObjectNode info = o.trainingInfo(split);
    info.setAll(calibration);
    info.put("train_crops", r.trainCrops());
    info.put("detected_train_crops", r.detectedCrops());
    info.put("validation_crops", r.validationCrops());
    info.put("validation_accuracy", r.validationAccuracy());
    info.put("validation_loss", r.validationLoss());
    try {
      new HelmetWeights(HelmetWeights.Kind.CLASSIFIER, o.inputSize(), o.margin(), params, info)
          .write(outDir);
    } catch (IOException e) {
      throw new InferenceException("Cannot write helmet weights to " + outDir + ": " + e, e);
    }
  }

  private record Scores(double loss, double accuracy, double helmetRecall, double headRecall) {}

  /** The logit of every crop of a set, in order. */
  private static float[] logitsOf(
      Session session, Placeholder<TFloat32> x, Operand<TFloat32> logits, CropSet set, int s) {
    float[] out = new float[set.n()];
    for (int b = 0; b < set.n(); b += 256) {
      List<Integer> idx = new ArrayList<>();
      for (int i = b; i < Math.min(set.n(), b + 256); i++) {
        idx.add(i);
      }
      try (TFloat32 xs = batchPixels(set, idx, s);
          Result r = session.runner().feed(x, xs).fetch(logits).run()) {
        float[] z = new float[idx.size()];
        ((TFloat32) r.get(0)).copyTo(DataBuffers.of(z, false, false));
        System.arraycopy(z, 0, out, b, z.length);
      }
    }
    return out;
  }

  /** Accuracy and recalls of logits against labels at logit 0. */
  private static Scores scores(float[] z, float[] labels, int n, double loss) {
    int right = 0;
    int helmets = 0;
    int helmetsRight = 0;
    int headsRight = 0;
    for (int i = 0; i < n; i++) {
      boolean truth = labels[i] > 0.5f;
      boolean said = z[i] > 0;
      helmets += truth ? 1 : 0;
      if (truth == said) {
        right++;
        helmetsRight += truth ? 1 : 0;
        headsRight += truth ? 0 : 1;
      }
    }
    int heads = n - helmets;
    return new Scores(
        loss,
        n == 0 ? 0 : (double) right / n,
        helmets == 0 ? 0 : (double) helmetsRight / helmets,
        heads == 0 ? 0 : (double) headsRight / heads);
  }

  /**
   * Every sample once, plus random extra draws of the rarer class until both classes are drawn
   * equally often (the photo sets are 3:1 helmets); in image order, so each image decodes once.
   */
  private static List<Sample> balanced(List<Sample> samples, Random random) {
    List<Sample> helmets = new ArrayList<>();
    List<Sample> bare = new ArrayList<>();
    for (Sample sample : samples) {
      (sample.head().helmet() ? helmets : bare).add(sample);
    }
    List<Sample> out = new ArrayList<>(samples);
    List<Sample> rarer = helmets.size() < bare.size() ? helmets : bare;
    int missing = Math.abs(helmets.size() - bare.size());
    for (int i = 0; i < missing && !rarer.isEmpty(); i++) {
      out.add(rarer.get(random.nextInt(rarer.size())));
    }
    out.sort(Comparator.comparingInt(Sample::image));
    return out;
  }

  private static Scores score(
      Session session,
      Placeholder<TFloat32> x,
      Placeholder<TFloat32> y,
      Operand<TFloat32> logits,
      Operand<TFloat32> loss,
      CropSet set,
      int s) {
    if (set.n() == 0) {
      return new Scores(0, 0, 0, 0);
    }
    double sum = 0;
    int right = 0;
    int helmets = 0;
    int helmetsRight = 0;
    int headsRight = 0;
    for (int b = 0; b < set.n(); b += 256) {
      List<Integer> idx = new ArrayList<>();
      for (int i = b; i < Math.min(set.n(), b + 256); i++) {
        idx.add(i);
      }
      try (TFloat32 xs = batchPixels(set, idx, s);
          TFloat32 ys = batchLabels(set, idx);
          Result r = session.runner().feed(x, xs).feed(y, ys).fetch(loss).fetch(logits).run()) {
        sum += ((TFloat32) r.get(0)).getFloat() * idx.size();
        float[] z = new float[idx.size()];
        ((TFloat32) r.get(1)).copyTo(DataBuffers.of(z, false, false));
        for (int i = 0; i < z.length; i++) {
          boolean truth = set.labels()[idx.get(i)] > 0.5f;
          boolean said = z[i] > 0;
          if (truth) {
            helmets++;
          }
          if (truth == said) {
            right++;
            if (truth) {
              helmetsRight++;
            } else {
              headsRight++;
            }
          }
        }
      }
    }
    int heads = set.n() - helmets;
    return new Scores(
        sum / set.n(),
        (double) right / set.n(),
        helmets == 0 ? 0 : (double) helmetsRight / helmets,
        heads == 0 ? 0 : (double) headsRight / heads);
  }

  private static TFloat32 batchPixels(CropSet set, List<Integer> idx, int s) {
    int per = s * s * 3;
    float[] buf = new float[idx.size() * per];
    for (int i = 0; i < idx.size(); i++) {
      System.arraycopy(set.pixels(), idx.get(i) * per, buf, i * per, per);
    }
    return TFloat32.tensorOf(Shape.of(idx.size(), s, s, 3), DataBuffers.of(buf, true, false));
  }

  private static TFloat32 batchLabels(CropSet set, List<Integer> idx) {
    float[] buf = new float[idx.size()];
    for (int i = 0; i < idx.size(); i++) {
      buf[i] = set.labels()[idx.get(i)];
    }
    return TFloat32.tensorOf(Shape.of(idx.size(), 1), DataBuffers.of(buf, true, false));
  }

  private static List<VocImage> limit(List<VocImage> images, int max) {
    return max > 0 && images.size() > max ? images.subList(0, max) : images;
  }

  private static List<Sample> samples(List<VocImage> images) {
    List<Sample> out = new ArrayList<>();
    for (int i = 0; i < images.size(); i++) {
      for (LabelledHead h : images.get(i).heads()) {
        out.add(new Sample(i, h));
      }
    }
    return out;
  }

  /** The heads the finder finds in each image that match a label, with that label's class. */
  private static List<Sample> detectedSamples(List<VocImage> images, HeadFinder finder) {
    List<Sample> out = new ArrayList<>();
    for (int i = 0; i < images.size(); i++) {
      List<HeadPrediction> found = new ArrayList<>();
      try (Mat bgr = imread(images.get(i).image().toString(), IMREAD_COLOR)) {
        if (bgr == null || bgr.empty()) {
          throw new InferenceException("Cannot decode " + images.get(i).image());
        }
        for (HeadDetector.DetectedHead h : finder.find(bgr)) {
          found.add(new HeadPrediction(h.box(), h.score(), null));
        }
      }
      List<LabelledHead> truths = images.get(i).heads();
      for (HeadMatcher.Match m : HeadMatcher.match(found, truths)) {
        Box box = found.get(m.prediction()).box();
        out.add(new Sample(i, new LabelledHead(box, truths.get(m.truth()).helmet())));
      }
    }
    return out;
  }

  /** Cuts every sample's crop; augments when given a generator. Decodes each image once. */
  private static CropSet crops(
      List<VocImage> images, List<Sample> samples, int s, double margin, Random aug) {
    int per = s * s * 3;
    float[] pixels = new float[samples.size() * per];
    float[] labels = new float[samples.size()];
    int k = 0;
    int image = -1;
    Mat bgr = null;
    try {
      for (Sample sample : samples) {
        if (sample.image() != image) {
          if (bgr != null) {
            bgr.close();
          }
          image = sample.image();
          bgr = imread(images.get(image).image().toString(), IMREAD_COLOR);
          if (bgr == null || bgr.empty()) {
            throw new InferenceException("Cannot decode " + images.get(image).image());
          }
        }
        cut(bgr, sample.head(), s, margin, aug, pixels, k * per);
        labels[k] = sample.head().helmet() ? 1f : 0f;
        k++;
      }
    } finally {
      if (bgr != null) {
        bgr.close();
      }
    }
    return new CropSet(pixels, labels, samples.size());
  }

  private static void cut(
      Mat bgr, LabelledHead head, int s, double margin, Random aug, float[] dst, int off) {
    if (aug == null) {
      HeadCrop.extract(bgr, head.box(), margin, s, dst, off);
      return;
    }
    double w = head.box().width() * bgr.cols();
    double h = head.box().height() * bgr.rows();
    double side = Math.max(w, h) * (1 + 2 * margin);
    // Heads found from body keypoints sit less neatly than labelled boxes: shift and scale.
    double cx = (head.box().x1() + head.box().x2()) / 2 * bgr.cols();
    double cy = (head.box().y1() + head.box().y2()) / 2 * bgr.rows();
    cx += (aug.nextDouble() * 2 - 1) * 0.12 * side;
    cy += (aug.nextDouble() * 2 - 1) * 0.12 * side;
    side *= Math.exp((aug.nextDouble() * 2 - 1) * 0.25);
    HeadCrop.extract(bgr, cx, cy, side, aug.nextBoolean(), s, dst, off);
    CctvAugment.apply(dst, off, s, margin, aug);
  }
}
