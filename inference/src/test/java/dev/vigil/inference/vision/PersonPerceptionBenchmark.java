package dev.vigil.inference.vision;

import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imdecode;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imread;

import dev.vigil.inference.FrameAnalysis;
import dev.vigil.inference.VigilBenchmark;
import dev.vigil.inference.model.ModelStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Decode, detector (preprocess + model) and whole-frame latency of person perception on a real
 * frame, full ({@code analyze}) and bare ({@code analyzeBare}). Not run by the build; {@link
 * VigilBenchmark} says how to run it.
 */
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class PersonPerceptionBenchmark extends VigilBenchmark {

  @Param({"intel_worker-zone_03.png", "intel_one-by-one_03.jpg"})
  public String frame;

  private byte[] encoded;
  private Mat decoded;
  private PoseDetector detector;
  private PersonPerception perception;
  private PersonPerception bare;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    Path file = sharedFrame(frame);
    encoded = Files.readAllBytes(file);
    decoded = imread(file.toString());
    ModelStore store = new ModelStore();
    detector = PoseDetector.open(store, 2);
    perception = PersonPerception.open(store, 2);
    bare = PersonPerception.openBare(store, 2);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    perception.close();
    bare.close();
    detector.close();
    decoded.close();
  }

  @Benchmark
  public int decode() {
    try (BytePointer bytes = new BytePointer(encoded);
        Mat buf =
            new Mat(1, encoded.length, org.bytedeco.opencv.global.opencv_core.CV_8UC1, bytes);
        Mat bgr = imdecode(buf, IMREAD_COLOR)) {
      return bgr.cols();
    }
  }

  @Benchmark
  public PoseDetector.Detection preprocessAndModel() {
    return detector.detect(decoded, PersonPerception.DEFAULT_MIN_SCORE);
  }

  /** Full perception: people, heads (keypoints and the head detector) and helmets. */
  @Benchmark
  public FrameAnalysis analyze() {
    return perception.analyze(encoded);
  }

  /** The bare person model behind it, with the same decode: the denominator of its cost. */
  @Benchmark
  public FrameAnalysis analyzeBare() {
    return bare.analyze(encoded);
  }
}
