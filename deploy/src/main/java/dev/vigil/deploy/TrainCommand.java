package dev.vigil.deploy;

import dev.vigil.deploy.video.ClipFrames;
import dev.vigil.inference.helmet.HeadDetector;
import dev.vigil.inference.helmet.HeadDetectorTrainer;
import dev.vigil.inference.helmet.HelmetTrainer;
import dev.vigil.inference.helmet.TrainingSets;
import dev.vigil.inference.helmet.VocDataset;
import dev.vigil.inference.model.ModelStore;
import dev.vigil.inference.vision.PersonPerception;
import dev.vigil.inference.vision.PoseDetector;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
    @Mixin RunOptions run;

    @Option(
        names = "--epochs",
        defaultValue = "40",
        description = "Passes over the training crops (default ${DEFAULT-VALUE}).")
    int epochs;

    @Option(
        names = "--margin",
        defaultValue = "0.15",
        description =
            "Context around each head in its crop, as a share of the head's longer side, on each"
                + " side (default ${DEFAULT-VALUE}).")
    double margin;

    @Option(
        names = "--grey-share",
        defaultValue = "0.15",
        description =
            "Share of training crops turned greyscale, as mono or night cameras show heads"
                + " (default ${DEFAULT-VALUE}).")
    double greyShare;

    @Option(
        names = "--colour-cast",
        defaultValue = "0.12",
        description =
            "Largest random gain of one colour channel against the others in training crops,"
                + " e.g. 0.12 for +-12%% (default ${DEFAULT-VALUE}).")
    double colourCast;

    @Option(
        names = "--loose-share",
        defaultValue = "0",
        description =
            "Share of training crops framed loose, the head filling about half of the crop, as"
                + " the head detector frames heads smaller than its smallest box"
                + " (default ${DEFAULT-VALUE}).")
    double looseShare;

    @Option(
        names = "--bare-video-fps",
        defaultValue = "2",
        description =
            "Frames per second sampled from each --bare-video clip (default ${DEFAULT-VALUE}).")
    double bareVideoFps;

    @Option(
        names = "--max-images",
        defaultValue = "0",
        description = "Use at most this many images of each split; 0 for all (default).")
    int maxImages;

    @Mixin SplitOption split;

    @Mixin PerceptionModelOptions models;

    @Mixin ExtraFolders extra;

    @Option(
        names = "--bare-people",
        paramLabel = "DIR",
        description =
            "A VOC folder of person boxes where nobody wears a hard hat, e.g."
                + " ../shared/data/cctv-people: the head detector finds each person's head, and"
                + " every one is a bare-head example; split by source clip. Repeatable.")
    List<Path> barePeople = new ArrayList<>();

    @Option(
        names = "--bare-video",
        paramLabel = "FILE",
        description =
            "A video clip where nobody wears a hard hat: its frames, sampled at 2 fps and"
                + " JPEG-encoded as the edge agent sends them, go to training, and every head the"
                + " head detector finds in them is a bare-head example. Repeatable.")
    List<Path> bareVideo = new ArrayList<>();

    @Override
    public Integer call() throws IOException {
      run.checkDataset();
      for (Path dir : concat(extra.checked(), barePeople)) {
        if (!Files.isDirectory(dir)) {
          throw new VigilCli.UsageException(dir + " is not a folder");
        }
      }
      for (Path clip : bareVideo) {
        if (!Files.isRegularFile(clip)) {
          throw new VigilCli.UsageException("--bare-video " + clip + " is not a file");
        }
      }
      if (epochs < 1) {
        throw new VigilCli.UsageException("--epochs must be at least 1, not " + epochs);
      }
      HelmetTrainer.Options options =
          HelmetTrainer.Options.defaults(run.seed, epochs).withMaxImages(maxImages);
      if (!(margin >= 0 && margin <= 1)) {
        throw new VigilCli.UsageException("--margin must be in [0, 1], not " + margin);
      }
      if (!(greyShare >= 0 && greyShare <= 1)) {
        throw new VigilCli.UsageException("--grey-share must be in [0, 1], not " + greyShare);
      }
      if (!(colourCast >= 0 && colourCast < 1)) {
        throw new VigilCli.UsageException("--colour-cast must be in [0, 1), not " + colourCast);
      }
      if (!(bareVideoFps > 0 && bareVideoFps <= 30)) {
        throw new VigilCli.UsageException(
            "--bare-video-fps must be above 0 and at most 30, not " + bareVideoFps);
      }
      if (!(looseShare >= 0 && looseShare <= 1)) {
        throw new VigilCli.UsageException("--loose-share must be in [0, 1], not " + looseShare);
      }
      options =
          options.withMargin(margin).withColour(greyShare, colourCast).withLooseShare(looseShare);
      HeadDetector heads = models.headDetector();
      if (heads == null && !(barePeople.isEmpty() && bareVideo.isEmpty())) {
        throw new VigilCli.UsageException(
            "--bare-people and --bare-video need a head detector to find the heads; drop"
                + " --head-detector none");
      }
      Path frames = Files.createTempDirectory("vigil-train-frames");
      try {
        List<Path> bareFrames = new ArrayList<>();
        for (Path clip : bareVideo) {
          Path dir = frames.resolve(clip.getFileName().toString());
          ClipFrames.extract(clip, bareVideoFps, dir);
          bareFrames.add(dir);
        }
        train(options, heads, bareFrames);
      } finally {
        deleteTree(frames);
      }
      return 0;
    }

    private void train(HelmetTrainer.Options options, HeadDetector heads, List<Path> bareFrames) {
      // Null (no finder) with `--head-detector none`: the labelled boxes only.
      try (PoseDetector finder =
          heads == null ? null : PoseDetector.open(models.store(), options.threads(), heads)) {
        // The heads perception would judge: every head the detector reports.
        HelmetTrainer.HeadFinder found =
            finder == null
                ? null
                : bgr -> finder.detect(bgr, PersonPerception.DEFAULT_MIN_SCORE).heads();
        TrainingSets sets =
            TrainingSets.of(
                new TrainingSets.Sources(run.dataset, extra.dirs, barePeople, bareFrames),
                split.value(),
                found,
                System.out);
        HelmetTrainer.train(
            sets,
            split.value(),
            run.out,
            options,
            found,
            EpochProgress.log("train helmet", epochs));
      }
    }

    private static void deleteTree(Path dir) throws IOException {
      try (var paths = Files.walk(dir)) {
        for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
  }

  private static List<Path> concat(List<Path> a, List<Path> b) {
    List<Path> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
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
    @Mixin RunOptions run;

    @Option(
        names = "--epochs",
        defaultValue = "80",
        description = "Passes over the training images (default ${DEFAULT-VALUE}).")
    int epochs;

    @Mixin SplitOption split;

    @Mixin ExtraFolders extra;

    @Mixin ModelCacheOption modelCache;

    @Override
    public Integer call() {
      run.checkDataset();
      List<Path> extras = extra.checked();
      if (epochs < 1) {
        throw new VigilCli.UsageException("--epochs must be at least 1, not " + epochs);
      }
      ModelStore store = modelCache.store();
      HeadDetectorTrainer.train(
          run.dataset,
          extras,
          split.value(),
          run.out,
          PoseDetector.graphDef(store),
          HeadDetectorTrainer.defaults(run.seed, epochs),
          EpochProgress.log("train heads", epochs));
      return 0;
    }
  }

  /**
   * {@code --dataset}, {@code --out} and {@code --seed}: what a training run reads, where its
   * weights go, and what its random draws start from, shared by both subcommands.
   */
  static final class RunOptions {
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

    void checkDataset() {
      if (!Files.isDirectory(dataset)) {
        throw new VigilCli.UsageException("--dataset " + dataset + " is not a folder");
      }
    }
  }

  /** {@code --extra}: further labelled folders a training run also learns from. */
  static final class ExtraFolders {
    @Option(
        names = "--extra",
        paramLabel = "DIR",
        description =
            "A further VOC folder with helmet/head boxes, e.g. ../shared/data/construction-safety;"
                + " split by its sources.csv source_split (train / valid = tune / test), else by"
                + " name hash. Repeatable.")
    List<Path> dirs = new ArrayList<>();

    /** The folders, each checked to exist. */
    List<Path> checked() {
      for (Path dir : dirs) {
        if (!Files.isDirectory(dir)) {
          throw new VigilCli.UsageException("--extra " + dir + " is not a folder");
        }
      }
      return dirs;
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

  /**
   * The trainers' log, passed through to stdout line by line; each {@code epoch N/M} line also
   * moves a {@link Progress} of the epochs on stderr (the trainers report nothing finer). The bar's
   * clock starts at the trainer's first line, so loading the data is not counted as an epoch.
   */
  static final class EpochProgress extends OutputStream {
    private static final Pattern EPOCH = Pattern.compile("\\bepoch (\\d+)/(\\d+)\\b");
    private final int epochs;
    private final PrintStream out;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();
    private final Supplier<Progress> start;
    private Progress progress;

    EpochProgress(int epochs, PrintStream out, Supplier<Progress> start) {
      this.epochs = epochs;
      this.out = out;
      this.start = start;
    }

    /** A log for a trainer running {@code epochs} epochs, with progress on stderr. */
    static PrintStream log(String label, int epochs) {
      return new PrintStream(
          new EpochProgress(epochs, System.out, () -> Progress.start(label, epochs, "epochs")),
          true,
          StandardCharsets.UTF_8);
    }

    @Override
    public void write(int b) {
      if (b == '\n') {
        emit(line.toString(StandardCharsets.UTF_8));
        line.reset();
      } else if (b != '\r') {
        line.write(b);
      }
    }

    private void emit(String text) {
      if (progress == null) {
        progress = start.get();
      }
      progress.above(out, text);
      Matcher m = EPOCH.matcher(text);
      if (m.find() && Integer.parseInt(m.group(2)) == epochs) {
        int epoch = Integer.parseInt(m.group(1));
        progress.update(epoch);
        if (epoch == epochs) {
          progress.finish();
        }
      }
    }

    @Override
    public void close() {
      if (line.size() > 0) {
        emit(line.toString(StandardCharsets.UTF_8));
        line.reset();
      }
      if (progress != null) {
        progress.finish();
      }
    }
  }
}
