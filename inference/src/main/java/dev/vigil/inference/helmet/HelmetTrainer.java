package dev.vigil.inference.helmet;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.inference.InferenceException;
import dev.vigil.inference.helmet.HelmetCrops.CropSet;
import dev.vigil.inference.helmet.HelmetCrops.Sample;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.bytedeco.opencv.opencv_core.Mat;

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
   * @param greyShare share of training crops turned greyscale
   * @param colourCast largest gain of one colour channel against the others in training crops
   * @param looseShare share of training crops framed loose, the head filling about half of it, as
   *     the head detector frames heads smaller than its smallest box (see {@link HelmetCrops})
   */
  public record Options(
      long seed,
      int epochs,
      int batchSize,
      float learningRate,
      int inputSize,
      int maxImages,
      int threads,
      double margin,
      double greyShare,
      double colourCast,
      double looseShare) {

    /** The settings the committed weights were trained with, but for seed and epochs. */
    public Options {
      if (epochs < 0
          || batchSize <= 0
          || inputSize < 16
          || maxImages < 0
          || threads < 0
          || !(margin >= 0 && margin <= 1)
          || !(looseShare >= 0 && looseShare <= 1)) {
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
                + margin
                + ", loose share "
                + looseShare);
      }
      colour(greyShare, colourCast);
    }

    /** The colour shifts of the training crops; throws on a share or cast out of range. */
    CctvAugment.Colour colour() {
      return colour(greyShare, colourCast);
    }

    private static CctvAugment.Colour colour(double greyShare, double colourCast) {
      return new CctvAugment.Colour(greyShare, colourCast);
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
      info.put("grey_share", greyShare);
      info.put("colour_cast", colourCast);
      info.put("loose_share", looseShare);
      return info;
    }

    public static Options defaults(long seed, int epochs) {
      CctvAugment.Colour c = CctvAugment.Colour.DEFAULT;
      return new Options(
          seed,
          epochs,
          64,
          2e-3f,
          48,
          0,
          2,
          HeadCrop.DEFAULT_MARGIN,
          c.greyShare(),
          c.cast(),
          HelmetCrops.DEFAULT_LOOSE_SHARE);
    }

    public Options withMaxImages(int n) {
      return copy(n, batchSize, margin, greyShare, colourCast);
    }

    public Options withBatchSize(int n) {
      return copy(maxImages, n, margin, greyShare, colourCast);
    }

    public Options withMargin(double m) {
      return copy(maxImages, batchSize, m, greyShare, colourCast);
    }

    /** With these colour shifts of the training crops (see {@link CctvAugment}). */
    public Options withColour(double grey, double cast) {
      return copy(maxImages, batchSize, margin, grey, cast);
    }

    /** With this share of loosely framed training crops (see {@link HelmetCrops}). */
    public Options withLooseShare(double share) {
      return new Options(
          seed,
          epochs,
          batchSize,
          learningRate,
          inputSize,
          maxImages,
          threads,
          margin,
          greyShare,
          colourCast,
          share);
    }

    /** These options with the settings the withers change. */
    private Options copy(int images, int batch, double m, double grey, double cast) {
      return new Options(
          seed, epochs, batch, learningRate, inputSize, images, threads, m, grey, cast, looseShare);
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

    /** The run in one log line, naming where the weights went. */
    String summary(Path outDir) {
      return String.format(
          Locale.ROOT,
          "helmet: done in %.0f s: train loss %.4f -> %.4f; validation loss %.4f, accuracy %.3f,"
              + " helmet recall %.3f, bare-head recall %.3f; weights in %s",
          seconds,
          trainLossBefore,
          trainLossAfter,
          validationLoss,
          validationAccuracy,
          validationHelmetRecall,
          validationHeadRecall,
          outDir);
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
    TrainingSets sets = TrainingSets.of(TrainingSets.Sources.of(vocDir), split, finder, log);
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
    List<VocImage> train = HelmetCrops.limit(sets.train(), o.maxImages());
    List<VocImage> tune = HelmetCrops.limit(sets.tune(), o.maxImages());
    List<VocImage> test = HelmetCrops.limit(sets.test(), o.maxImages());
    List<VocImage> val = tune.isEmpty() ? test : tune;
    List<Sample> trainSamples = HelmetCrops.samples(train);
    List<Sample> valSamples = HelmetCrops.samples(val);
    if (trainSamples.isEmpty()) {
      throw new InferenceException("No helmet or head boxes to train on in " + sets.description());
    }
    int labelled = trainSamples.size();
    if (finder != null) {
      trainSamples.addAll(HelmetCrops.detectedSamples(train, finder));
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
    CropSet cleanTrain = HelmetCrops.crops(train, trainSamples, s, o.margin());
    CropSet cleanVal = HelmetCrops.crops(val, valSamples, s, o.margin());
    Map<String, float[]> init = HelmetNet.initial(o.seed());
    // The last quarter of the epochs runs at a tenth of the learning rate.
    int fineFrom = o.epochs() - o.epochs() / 4 + 1;
    try (HelmetTrainingGraph net =
        new HelmetTrainingGraph(init, s, o.learningRate(), o.threads())) {
      HelmetScores before = net.score(cleanTrain);
      log.printf(Locale.ROOT, "helmet: initial train loss %.4f%n", before.loss());
      List<Double> epochLosses = new ArrayList<>();
      for (int epoch = 1; epoch <= o.epochs(); epoch++) {
        long e0 = System.nanoTime();
        CropSet set =
            HelmetCrops.crops(
                train,
                HelmetCrops.balanced(trainSamples, random),
                s,
                o.margin(),
                o.colour(),
                o.looseShare(),
                random);
        double epochLoss = net.trainEpoch(set, o.batchSize(), epoch >= fineFrom, random);
        epochLosses.add(epochLoss);
        HelmetScores v = net.score(cleanVal);
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
      HelmetScores after = net.score(cleanTrain);
      HelmetScores v = net.score(cleanVal);
      Map<String, float[]> trained = net.weights();
      ObjectNode calibration = HelmetExport.splits(sets.description());
      if (!tune.isEmpty()) {
        HelmetExport.calibrate(net, cleanVal, test, o, trained, calibration, log);
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
      HelmetExport.write(outDir, split, o, trained, report, calibration);
      log.printf("%s%n", report.summary(outDir));
      return report;
    }
  }
}
