package dev.vigil.inference.vision;

import static org.bytedeco.opencv.global.opencv_imgcodecs.imread;

import dev.vigil.inference.VigilBenchmark;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.bytedeco.opencv.opencv_core.Mat;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.types.TInt32;

/**
 * The preprocessing steps of {@link PoseDetector} on their own (letterbox resize to the 256 px long
 * side, pad, BGR to RGB, to int32, copy into the input tensor), so that they can be weighed against
 * the model: {@code PersonPerceptionBenchmark.preprocessAndModel} minus this is the inference. It
 * calls {@code PoseDetector.fill} itself. Not run by the build; run with the JMH main on the test
 * classpath, as {@link VigilBenchmark} explains.
 */
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class PreprocessBenchmark extends VigilBenchmark {

  @Param({"intel_one-by-one_03.jpg", "intel_worker-zone_03.png"})
  public String frame;

  private Mat bgr;

  @Setup(Level.Trial)
  public void setUp() {
    Path file = sharedFrame(frame);
    bgr = imread(file.toString());
    if (bgr.empty()) {
      throw new IllegalStateException("cannot read " + file.toAbsolutePath());
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    bgr.close();
  }

  @Benchmark
  public int preprocess() {
    int w = bgr.cols();
    int h = bgr.rows();
    double scale = (double) PoseDetector.DEFAULT_LONG_SIDE / Math.max(w, h);
    int rw = (int) Math.round(w * scale);
    int rh = (int) Math.round(h * scale);
    int inW = (rw + 31) / 32 * 32;
    int inH = (rh + 31) / 32 * 32;
    try (TInt32 input = TInt32.tensorOf(Shape.of(1, inH, inW, 3))) {
      PoseDetector.fill(bgr, rw, rh, inW, inH, input);
      return inW * inH;
    }
  }
}
