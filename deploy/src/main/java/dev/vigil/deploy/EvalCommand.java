package dev.vigil.deploy;

import dev.vigil.inference.InferenceException;
import dev.vigil.inference.helmet.DetectionMetrics;
import dev.vigil.inference.helmet.Evaluator;
import dev.vigil.inference.helmet.HeadDetector;
import dev.vigil.inference.helmet.HelmetClassifier;
import dev.vigil.inference.helmet.VocDataset;
import dev.vigil.inference.helmet.VocImage;
import dev.vigil.inference.model.ModelStore;
import dev.vigil.inference.vision.PersonPerception;
import dev.vigil.inference.vision.PoseDetector;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
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
      "and reports head precision/recall/F1 (IoU >= 0.3), helmet accuracy, count errors and speed."
    })
final class EvalCommand implements Callable<Integer> {
  @Option(names = "--dataset", required = true, paramLabel = "DIR", description = "VOC folder.")
  Path dataset;

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
      description = "Helmet classifier weights from `vigil train helmet` (default: built in).")
  Path helmetWeights;

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
      names = "--threads",
      defaultValue = "2",
      description = "TensorFlow intra-op threads (default ${DEFAULT-VALUE}).")
  int threads;

  @Override
  public Integer call() {
    if (!Files.isDirectory(dataset)) {
      throw new VigilCli.UsageException("--dataset " + dataset + " is not a folder");
    }
    List<VocImage> images;
    try {
      images = VocDataset.read(dataset, split);
    } catch (InferenceException e) {
      throw new VigilCli.UsageException(e.getMessage());
    }
    ModelStore store = models.store();
    PrintStream err = System.err;
    DetectionMetrics.Report report;
    try (PersonPerception perception = open(store)) {
      report =
          new Evaluator(perception)
              .evaluate(
                  images,
                  (image, predictions, done, total) -> {
                    if (done % 50 == 0 || done == total) {
                      err.println("eval: " + done + "/" + total + " images");
                    }
                  });
    }
    System.out.print(report.toText());
    if (json) {
      System.out.println(report.toJson());
    }
    System.out.flush();
    return 0;
  }

  private PersonPerception open(ModelStore store) {
    if (longSide <= 0 || longSide % 32 != 0) {
      throw new VigilCli.UsageException("--long-side must be a positive multiple of 32");
    }
    if (!(headMinScore >= 0 && headMinScore < 1)) {
      throw new VigilCli.UsageException("--head-min-score must be in [0, 1)");
    }
    HeadDetector heads = models.headDetector();
    HelmetClassifier helmets =
        helmetWeights == null ? HelmetClassifier.open() : HelmetClassifier.open(helmetWeights);
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
