package dev.vigil.deploy;

import dev.vigil.deploy.video.HeadDump;
import dev.vigil.inference.InferenceException;
import dev.vigil.inference.helmet.BandTuning;
import dev.vigil.inference.helmet.DetectionMetrics;
import dev.vigil.inference.helmet.Evaluator;
import dev.vigil.inference.helmet.HeadDetector;
import dev.vigil.inference.helmet.HelmetClassifier;
import dev.vigil.inference.helmet.SizeBreakdown;
import dev.vigil.inference.helmet.TrainingSets;
import dev.vigil.inference.helmet.VocDataset;
import dev.vigil.inference.helmet.VocImage;
import dev.vigil.inference.model.ModelStore;
import dev.vigil.inference.vision.PersonPerception;
import dev.vigil.inference.vision.PoseDetector;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code vigil eval}: runs full perception on every image of a Pascal VOC folder and reports head
 * and helmet accuracy. Progress goes to stderr; with {@code --json} the last stdout line is one
 * JSON object.
 */
@Command(
    name = "eval",
    mixinStandardHelpOptions = true,
    description = {
      "Runs full perception on a Pascal VOC folder (images/ + annotations/ with helmet/head boxes)",
      "and reports head precision/recall/F1 (IoU >= 0.3), helmet accuracy, count errors and speed.",
      "With --video, runs it over video clips as the processor would (frames sampled at --fps,",
      "JPEG-encoded as the edge agent does) and reports per clip the people, heads, helmet /",
      "no_helmet / unknown judgements and how many heads of 16 px or more were judged; with",
      "--truth, also the false-helmet rate, helmet recall and count errors, per clip and pooled."
    })
final class EvalCommand implements Callable<Integer> {
  @Option(names = "--dataset", paramLabel = "DIR", description = "VOC folder.")
  Path dataset;

  @Option(
      names = "--video",
      paramLabel = "FILE|DIR",
      description = "A video clip, or a folder whose video files are each a clip.")
  Path video;

  @Option(
      names = "--fps",
      defaultValue = "2",
      description = "With --video: frames per second to sample (default ${DEFAULT-VALUE}).")
  double fps;

  @Option(
      names = "--truth",
      paramLabel = "FILE",
      description =
          "With --video: CSV of file,helmet_share (0 = nobody wears a hard hat, 1 = everyone) or"
              + " file,t_s,helmet,no_helmet (counts per frame).")
  Path truth;

  @Option(names = "--json", description = "End stdout with one line of JSON.")
  boolean json;

  @Option(
      names = "--split",
      defaultValue = "ALL",
      description = "Images to use: ${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE}).")
  VocDataset.Split split;

  @Option(
      names = "--helmet-weights",
      paramLabel = "DIR",
      split = ",",
      description =
          "Helmet classifier weights from `vigil train helmet` (default: built in); several"
              + " (comma-separated or repeated) are averaged.")
  List<Path> helmetWeights = new ArrayList<>();

  @Mixin PerceptionModelOptions models;

  @Option(
      names = "--long-side",
      defaultValue = "" + PoseDetector.DEFAULT_LONG_SIDE,
      description =
          "Long side of the person model's input in pixels, a multiple of 32 (default"
              + " ${DEFAULT-VALUE}, as the processor runs it).")
  int longSide;

  @Option(
      names = "--head-min-score",
      defaultValue = "" + HeadDetector.DEFAULT_MIN_SCORE,
      description = "Centre score from which a detected head counts (default ${DEFAULT-VALUE}).")
  double headMinScore;

  @Option(
      names = "--min-head-px",
      defaultValue = "0",
      description =
          "With --video: smallest head (long side, px) judged for a helmet, as a camera's"
              + " min_head_px (default ${DEFAULT-VALUE}: the model's own).")
  int minHeadPx;

  @Option(
      names = "--dump-heads",
      paramLabel = "DIR",
      description =
          "With --video: write every head into DIR, for looking at errors: heads.csv (clip, time,"
              + " with a body or head only, size, score, probability, judgement) and crops/, the"
              + " crop the helmet classifier saw, as PNG.")
  Path dumpHeads;

  @Option(
      names = "--by-size",
      description = "With --dataset: also print helmet judgement by head size.")
  boolean bySize;

  @Option(
      names = "--choose-band",
      description =
          "With --dataset (Hard Hat Workers): choose the helmet abstention bands (small and large"
              + " heads, and the size between them) on the tune split"
              + " (TUNE, --extra's valid images, --bare-people's tune clips, each also"
              + " camera-degraded) and print them; never reads test images.")
  boolean chooseBand;

  @Option(
      names = "--extra",
      paramLabel = "DIR",
      description = "With --choose-band: a further labelled VOC folder, as for train helmet.")
  List<Path> extra = new ArrayList<>();

  @Option(
      names = "--bare-people",
      paramLabel = "DIR",
      description = "With --choose-band: a folder of bare-headed people, as for train helmet.")
  List<Path> barePeople = new ArrayList<>();

  @Option(
      names = "--threads",
      defaultValue = "2",
      description = "TensorFlow intra-op threads (default ${DEFAULT-VALUE}).")
  int threads;

  @Override
  public Integer call() {
    if ((dataset == null) == (video == null)) {
      throw new VigilCli.UsageException("give either --dataset DIR or --video FILE|DIR");
    }
    if (!chooseBand && !(extra.isEmpty() && barePeople.isEmpty())) {
      throw new VigilCli.UsageException("--extra and --bare-people go with --choose-band");
    }
    if (video != null) {
      if (chooseBand) {
        throw new VigilCli.UsageException(
            "--choose-band chooses on the tune images of --dataset, not on --video clips");
      }
      return new VideoEval(video, fps, truth, json, minHeadPx, this::headDump)
          .run(this::open, models.store());
    }
    if (truth != null || dumpHeads != null) {
      throw new VigilCli.UsageException("--truth and --dump-heads go with --video, not --dataset");
    }
    if (!Files.isDirectory(dataset)) {
      throw new VigilCli.UsageException("--dataset " + dataset + " is not a folder");
    }
    if (chooseBand) {
      return chooseBand();
    }
    List<VocImage> images;
    try {
      images = VocDataset.read(dataset, split);
    } catch (InferenceException e) {
      throw new VigilCli.UsageException(e.getMessage());
    }
    ModelStore store = models.store();
    DetectionMetrics.Report report;
    SizeBreakdown sizes = new SizeBreakdown();
    Progress progress = Progress.start("eval", images.size(), "images");
    try (PersonPerception perception = open(store)) {
      report =
          new Evaluator(perception)
              .evaluate(
                  images,
                  (image, predictions, done, total) -> {
                    sizes.add(predictions, image.heads(), image.width(), image.height());
                    progress.update(done);
                  });
    } finally {
      progress.finish();
    }
    if (bySize) {
      System.out.print(sizes.toText());
    }
    System.out.print(report.toText());
    if (json) {
      System.out.println(report.toJson());
    }
    System.out.flush();
    return 0;
  }

  private int chooseBand() {
    HeadDetector heads = models.headDetector();
    if (heads == null) {
      throw new VigilCli.UsageException(
          "--choose-band needs a head detector: drop --head-detector none");
    }
    try (PoseDetector finder = PoseDetector.open(models.store(), threads, heads);
        HelmetClassifier helmets = openHelmets()) {
      TrainingSets tune =
          TrainingSets.tuneOf(
              dataset,
              extra,
              barePeople,
              bgr -> finder.detect(bgr, PersonPerception.DEFAULT_MIN_SCORE).heads(),
              System.err);
      BandTuning.run(tune, barePeople, helmets, System.out);
    } catch (InferenceException e) {
      throw new VigilCli.UsageException(e.getMessage());
    }
    System.out.flush();
    return 0;
  }

  /** The --dump-heads writer, cutting crops as the classifier in use does; null without it. */
  private HeadDump headDump() {
    if (dumpHeads == null) {
      return null;
    }
    try (HelmetClassifier helmets = openHelmets()) {
      return new HeadDump(dumpHeads, helmets.margin(), helmets.inputSize());
    } catch (IOException e) {
      throw new VigilCli.UsageException("--dump-heads " + dumpHeads + ": " + e.getMessage());
    }
  }

  /** The built-in classifier, or the mean of those named by --helmet-weights. */
  private HelmetClassifier openHelmets() {
    return helmetWeights.isEmpty() ? HelmetClassifier.open() : HelmetClassifier.open(helmetWeights);
  }

  /** Perception with this command's model options; the defaults are what the processor runs. */
  PersonPerception open(ModelStore store) {
    if (longSide <= 0 || longSide % 32 != 0) {
      throw new VigilCli.UsageException("--long-side must be a positive multiple of 32");
    }
    if (!(headMinScore >= 0 && headMinScore < 1)) {
      throw new VigilCli.UsageException("--head-min-score must be in [0, 1)");
    }
    HeadDetector heads = models.headDetector();
    HelmetClassifier helmets = openHelmets();
    try {
      PoseDetector poses =
          new PoseDetector(PoseDetector.graphDef(store), threads, longSide, heads, headMinScore);
      return new PersonPerception(poses, PersonPerception.DEFAULT_MIN_SCORE, helmets);
    } catch (RuntimeException e) {
      helmets.close();
      throw e;
    }
  }
}
