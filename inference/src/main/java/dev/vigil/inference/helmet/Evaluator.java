package dev.vigil.inference.helmet;

import dev.vigil.config.Person;
import dev.vigil.inference.FrameAnalysis;
import dev.vigil.inference.FrameAnalyzer;
import dev.vigil.inference.InferenceException;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Runs full perception over labelled images and scores its heads and helmets with {@link
 * DetectionMetrics}. Every person with a head box is one predicted head, scored by the person's
 * confidence; the analyzer's time per image (decode included, file reading not) gives the
 * throughput, after one untimed warm-up call on the first image.
 *
 * <p>Does not own the analyzer. Not thread-safe: evaluates one image at a time, so throughput is
 * that of one caller thread.
 */
public final class Evaluator {

  private final FrameAnalyzer analyzer;
  private final LongSupplier nanoClock;

  /** Evaluates with this analyzer, which the caller keeps and closes. */
  public Evaluator(FrameAnalyzer analyzer) {
    this(analyzer, System::nanoTime);
  }

  /** As {@link #Evaluator(FrameAnalyzer)}, timing with the given nanosecond clock. */
  Evaluator(FrameAnalyzer analyzer, LongSupplier nanoClock) {
    this.analyzer = analyzer;
    this.nanoClock = nanoClock;
  }

  /** Called after each image, e.g. to print progress. */
  @FunctionalInterface
  public interface Listener {
    void imageDone(VocImage image, List<HeadPrediction> predictions, int done, int total);
  }

  /** Scores every image. */
  public DetectionMetrics.Report evaluate(List<VocImage> images) {
    return evaluate(images, (image, predictions, done, total) -> {});
  }

  /** Scores every image, telling the listener after each. */
  public DetectionMetrics.Report evaluate(List<VocImage> images, Listener listener) {
    DetectionMetrics metrics = new DetectionMetrics();
    long nanos = 0;
    int done = 0;
    for (VocImage image : images) {
      byte[] bytes = read(image);
      if (done == 0) {
        // Untimed: TensorFlow optimises the graph and JIT compiles on the first call, a one-off
        // cost that a running processor pays once at start, not per frame.
        analyzer.analyze(bytes);
      }
      long t0 = nanoClock.getAsLong();
      FrameAnalysis analysis = analyzer.analyze(bytes);
      nanos += nanoClock.getAsLong() - t0;
      List<HeadPrediction> predictions = predictions(analysis);
      metrics.add(predictions, image.heads());
      listener.imageDone(image, predictions, ++done, images.size());
    }
    return metrics.report(nanos / 1e9);
  }

  private static byte[] read(VocImage image) {
    try {
      return Files.readAllBytes(image.image());
    } catch (IOException e) {
      throw new InferenceException("Cannot read " + image.image() + ": " + e.getMessage(), e);
    }
  }

  /** The heads of an analysis as predictions. */
  public static List<HeadPrediction> predictions(FrameAnalysis analysis) {
    List<HeadPrediction> out = new ArrayList<>();
    for (Person p : analysis.people()) {
      if (p.head() != null) {
        out.add(new HeadPrediction(p.head(), p.score(), p.helmet()));
      }
    }
    return out;
  }
}
