package dev.vigil.deploy;

import dev.vigil.inference.helmet.HeadDetector;
import dev.vigil.inference.helmet.HeadDetectorTrainer;
import dev.vigil.inference.helmet.HelmetTrainer;
import dev.vigil.inference.helmet.VocDataset;
import dev.vigil.inference.model.ModelStore;
import dev.vigil.inference.vision.PersonPerception;
import dev.vigil.inference.vision.PoseDetector;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code vigil train}: trains the project's own models from labelled data. */
@Command(
    name = "train",
    mixinStandardHelpOptions = true,
    description = "Trains a model from labelled data.",
    subcommands = {TrainCommand.Helmet.class, TrainCommand.Heads.class})
final class TrainCommand implements Runnable {
  @Override
  public void run() {
    throw new VigilCli.UsageException("missing model: try `vigil train helmet --help`");
  }

  /** {@code vigil train helmet}: the helmet classifier, from a Pascal VOC folder. */
  @Command(
      name = "helmet",
      mixinStandardHelpOptions = true,
      description = {
        "Trains the helmet classifier on the helmet/head boxes of a Pascal VOC folder",
        "(images/ + annotations/), holding out the images whose name's CRC-32 %% 5 == 0.",
        "It also trains on the heads the head detector finds in the training images, each",
        "with the class of the label it matches, as perception will crop them; this fetches",
        "MoveNet into the model cache if needed.",
        "Prints progress and validation figures; writes helmet-classifier.json/.bin."
      })
  static final class Helmet implements Callable<Integer> {
    @Option(
        names = "--dataset",
        required = true,
        paramLabel = "DIR",
        description = "Pascal VOC folder, e.g. ../shared/data/hardhat.")
    Path dataset;

    @Option(
        names = "--out",
        required = true,
        paramLabel = "DIR",
        description = "Folder to write the weights into.")
    Path out;

    @Option(
        names = "--seed",
        defaultValue = "1",
        description =
            "Seed for initialisation, shuffling, augmentation (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(
        names = "--epochs",
        defaultValue = "40",
        description = "Passes over the training crops (default ${DEFAULT-VALUE}).")
    int epochs;

    @Option(
        names = "--max-images",
        defaultValue = "0",
        description = "Use at most this many images of each split; 0 for all (default).")
    int maxImages;

    @Mixin SplitOption split;

    @Mixin PerceptionModelOptions models;

    @Override
    public Integer call() {
      if (!Files.isDirectory(dataset)) {
        throw new VigilCli.UsageException("--dataset " + dataset + " is not a folder");
      }
      if (epochs < 1) {
        throw new VigilCli.UsageException("--epochs must be at least 1, not " + epochs);
      }
      HelmetTrainer.Options options =
          HelmetTrainer.Options.defaults(seed, epochs).withMaxImages(maxImages);
      HeadDetector heads = models.headDetector();
      // Null (no finder) with `--head-detector none`: the labelled boxes only.
      try (PoseDetector finder =
          heads == null ? null : PoseDetector.open(models.store(), options.threads(), heads)) {
        HelmetTrainer.train(
            dataset,
            split.value(),
            out,
            options,
            // The heads perception would judge: every head the detector reports.
            finder == null
                ? null
                : bgr -> finder.detect(bgr, PersonPerception.DEFAULT_MIN_SCORE).heads(),
            System.out);
      }
      return 0;
    }
  }

  /** {@code vigil train heads}: the head detector for crowds, from a Pascal VOC folder. */
  @Command(
      name = "heads",
      mixinStandardHelpOptions = true,
      description = {
        "Trains the head detector (a CenterNet-style head on frozen MoveNet features) on the",
        "helmet/head boxes of a Pascal VOC folder, holding out the images whose name's CRC-32",
        "%% 5 == 0. Fetches MoveNet into the model cache if needed.",
        "Prints progress and validation figures; writes head-detector.json/.bin."
      })
  static final class Heads implements Callable<Integer> {
    @Option(names = "--dataset", required = true, paramLabel = "DIR", description = "VOC folder.")
    Path dataset;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output folder.")
    Path out;

    @Option(names = "--seed", defaultValue = "1", description = "Seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(
        names = "--epochs",
        defaultValue = "80",
        description = "Passes over the training images (default ${DEFAULT-VALUE}).")
    int epochs;

    @Mixin SplitOption split;

    @Option(
        names = "--model-cache",
        paramLabel = "DIR",
        description =
            "Folder of the cached person model (default: $VIGIL_MODEL_CACHE or ~/.cache).")
    Path modelCache;

    @Override
    public Integer call() {
      if (!Files.isDirectory(dataset)) {
        throw new VigilCli.UsageException("--dataset " + dataset + " is not a folder");
      }
      if (epochs < 1) {
        throw new VigilCli.UsageException("--epochs must be at least 1, not " + epochs);
      }
      ModelStore store = modelCache == null ? new ModelStore() : new ModelStore(modelCache);
      HeadDetectorTrainer.train(
          dataset,
          split.value(),
          out,
          PoseDetector.graphDef(store),
          HeadDetectorTrainer.defaults(seed, epochs),
          System.out);
      return 0;
    }
  }

  /** {@code --split}: what a training run trains on, shared by both subcommands. */
  static final class SplitOption {
    @Option(
        names = "--split",
        defaultValue = "TRAIN",
        description =
            "TRAIN (validate on VALIDATION), or FIT (validate on TUNE) while choosing settings"
                + " (default ${DEFAULT-VALUE}).")
    VocDataset.Split split;

    VocDataset.Split value() {
      if (split != VocDataset.Split.TRAIN && split != VocDataset.Split.FIT) {
        throw new VigilCli.UsageException("--split must be TRAIN or FIT, not " + split);
      }
      return split;
    }
  }
}
