package dev.vigil.inference;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The settings the inference benchmarks share, so that their figures in docs/BENCHMARKS.md are
 * measured alike: average time in milliseconds, 3 warm-up and 5 measured iterations of 1 s, one
 * fork, one state per benchmark. JMH inherits these annotations; a subclass repeats one only to
 * change it. Not run by the build; run a subclass with the JMH main on the test classpath:
 *
 * <pre>
 * java -Dvigil.shared.data=../shared/data -cp "inference/target/test-classes:inference/target/classes:$(cat cp.txt)" \
 *     org.openjdk.jmh.Main PersonPerceptionBenchmark
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public abstract class VigilBenchmark {

  /** A real frame of the shared data ({@code -Dvigil.shared.data}, default ../shared/data). */
  protected static Path sharedFrame(String name) {
    return Path.of(System.getProperty("vigil.shared.data", "../shared/data"), "frames", name);
  }
}
