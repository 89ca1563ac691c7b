package dev.vigil.inference.audio;

import dev.vigil.inference.VigilBenchmark;
import java.util.Random;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Cost of analysing one second of 16 kHz audio (level, alarm, impulse): the per-camera audio cost.
 * 1% of one core is 10 ms per second of audio. Not run by the build; run with the JMH main on the
 * test classpath (see docs/BENCHMARKS.md).
 */
@State(Scope.Thread)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class AudioAnalyzerBenchmark extends VigilBenchmark {
  private static final int RATE = 16_000;
  private final AudioAnalyzer analyzer = new AudioAnalyzer();
  private short[] second;

  @Setup
  public void setUp() {
    Random rnd = new Random(1);
    second = new short[RATE];
    for (int i = 0; i < RATE; i++) {
      double x = 0.1 * rnd.nextGaussian() + 0.2 * Math.sin(2 * Math.PI * 3100 * i / RATE);
      second[i] = (short) Math.max(-32768, Math.min(32767, Math.round(x * 32768)));
    }
  }

  @Benchmark
  public Object analyseOneSecond() {
    return analyzer.analyze(second, RATE);
  }
}
