package dev.vigil.deploy.bench;

import dev.vigil.processor.ProcessorApp;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The throughput phase: the rate at which the processor commits {@code vigil.frames} offsets while
 * it drains a backlog, once the JIT has settled, as the median of {@link #WINDOWS} windows. Also
 * records where the CPU and each frame's milliseconds went over the same span. Not thread-safe.
 */
final class ThroughputPhase {
  private static final Logger LOG = LoggerFactory.getLogger(ThroughputPhase.class);

  /** JIT compile rate, in cores, below which the pipeline counts as warmed up. */
  static final double JIT_SETTLED_CORES = 0.05;

  /** Span over which the JIT compile rate is averaged. */
  static final Duration JIT_SPAN = Duration.ofSeconds(10);

  /** Throughput windows; {@code pipeline_fps} is their median. */
  static final int WINDOWS = 3;

  private final BenchContext ctx;
  private final Duration minWarmup;
  private final Duration maxWarmup;
  private final Duration window;

  /**
   * @param minWarmup least time the processor runs before the windows
   * @param maxWarmup most time it waits for the JIT to settle
   * @param window length of one window
   */
  ThroughputPhase(BenchContext ctx, Duration minWarmup, Duration maxWarmup, Duration window) {
    this.ctx = ctx;
    this.minWarmup = minWarmup;
    this.maxWarmup = maxWarmup;
    this.window = window;
  }

  /** Frames of backlog worth the longest warm-up and every window at {@code bareFps}. */
  int backlogFor(double bareFps) {
    return (int)
        Math.ceil(bareFps * (maxWarmup.toSeconds() + WINDOWS * window.toSeconds() + 3) * 1.2);
  }

  /**
   * Rate of committed frame offsets after warm-up, while {@code processor} drains the backlog.
   *
   * @param committedBefore frame offsets committed before this processor started: the warm-up
   *     starts at its first commit
   * @param into where the phase's figures go ({@code throughput}, per-stage and per-thread-group
   *     tables, {@code stream_thread_time})
   * @return frames per second
   */
  double measure(ProcessorApp processor, long committedBefore, Map<String, Object> into)
      throws Exception {
    LagProbe probe = ctx.frames;
    long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
    LagProbe.Sample s = probe.sample();
    while (s.committed() <= committedBefore) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the processor committed nothing within 3 minutes");
      }
      Thread.sleep(100);
      s = probe.sample();
    }
    long cpu0 = ctx.processCpuNanos();
    double warmupS = warmUp();
    long jit0 = jitMillis();
    ThreadCpu.Snapshot threads0 = ThreadCpu.snapshot();
    Map<String, double[]> stages0 = processor.metrics().stages();
    LagProbe.Sample first = probe.sample();
    LagProbe.Sample last = first;
    // Several windows, so one stall or burst of this shared machine does not make the figure.
    List<Double> rates = new ArrayList<>();
    for (int w = 0; w < WINDOWS && last.lag() > 0; w++) {
      LagProbe.Sample from = last;
      long end = from.nanos() + window.toNanos();
      while (System.nanoTime() < end) {
        Thread.sleep(250);
        LagProbe.Sample n = probe.sample();
        if (n.lag() == 0) {
          break; // drained: the rest would measure idling
        }
        last = n;
      }
      double span = (last.nanos() - from.nanos()) / 1e9;
      if (span > 0) {
        rates.add((last.committed() - from.committed()) / span);
      }
    }
    double seconds = (last.nanos() - first.nanos()) / 1e9;
    double fps = rates.isEmpty() ? Double.NaN : BenchStats.percentile(rates, 50);
    long committed = last.committed() - first.committed();
    ThreadCpu.Snapshot threads1 = ThreadCpu.snapshot();
    into.put("cpu_by_thread_group_cores", ThreadCpu.cores(threads0, threads1));
    into.put("other_threads_cores", ThreadCpu.topOther(threads0, threads1, 8));
    into.put(
        "stage_ms_per_frame", stagesPerFrame(stages0, processor.metrics().stages(), committed));
    double cpu = (ctx.processCpuNanos() - cpu0) / 1e9 / ((System.nanoTime() - s.nanos()) / 1e9);
    double jit = seconds > 0 ? (jitMillis() - jit0) / 1e3 / seconds : Double.NaN;
    LOG.info(
        "bench: pipeline {} fps over {} s ({} frames) after {} s of warm-up, {} cores busy, JIT {}"
            + " cores",
        BenchContext.fmt(fps),
        BenchContext.fmt(seconds),
        committed,
        BenchContext.fmt(warmupS),
        BenchContext.fmt(cpu),
        BenchContext.fmt(jit));
    Map<String, Object> t = new LinkedHashMap<>();
    t.put("warmup_s", BenchReport.round(warmupS, 1));
    t.put("window_s", BenchReport.round(seconds, 1));
    t.put("frames", committed);
    t.put("window_fps", rates.stream().map(r -> BenchReport.round(r, 2)).toList());
    t.put("window_fps_min", BenchReport.round(extreme(rates, false), 2));
    t.put("window_fps_max", BenchReport.round(extreme(rates, true), 2));
    t.put("lag_left", last.lag());
    t.put("cpu_cores", BenchReport.round(cpu, 2));
    t.put("jit_cores", BenchReport.round(jit, 3));
    into.put("throughput", t);
    into.put("stream_thread_time", threadTime(processor));
    return fps;
  }

  private static double extreme(List<Double> rates, boolean max) {
    var values = rates.stream().mapToDouble(Double::doubleValue);
    return (max ? values.max() : values.min()).orElse(Double.NaN);
  }

  /**
   * Milliseconds per committed frame in each processor stage over a window. Stages nest: {@code
   * store_serde} is part of tracking and rules, {@code output_serde} part of rules.
   */
  private static Map<String, Object> stagesPerFrame(
      Map<String, double[]> before, Map<String, double[]> after, long frames) {
    Map<String, Object> out = new LinkedHashMap<>();
    if (frames <= 0) {
      return out;
    }
    after.forEach(
        (stage, v) -> {
          double[] b = before.getOrDefault(stage, new double[2]);
          out.put(stage, BenchReport.round((v[0] - b[0]) * 1000 / frames, 3));
        });
    return out;
  }

  /**
   * Lets the processor run for at least the minimum warm-up, then until the JIT compiler has
   * settled (less than {@link #JIT_SETTLED_CORES} of a core spent compiling over the last {@link
   * #JIT_SPAN}), for at most the maximum. In one process the JIT compiles the broker's, clients'
   * and Streams' paths for minutes at these request rates; a sustained rate should not include that
   * one-off cost.
   *
   * @return seconds waited
   */
  private double warmUp() throws InterruptedException {
    long start = System.nanoTime();
    Thread.sleep(minWarmup.toMillis());
    if (jitMillis() < 0) {
      return (System.nanoTime() - start) / 1e9; // the JVM does not say: the minimum only
    }
    JitSettling jit = new JitSettling(JIT_SPAN, JIT_SETTLED_CORES);
    while (System.nanoTime() - start < maxWarmup.toNanos()
        && !jit.settled(System.nanoTime(), jitMillis())) {
      Thread.sleep(1000);
    }
    return (System.nanoTime() - start) / 1e9;
  }

  /** Milliseconds the JIT compilers have spent so far, or -1 when the JVM does not say. */
  private static long jitMillis() {
    CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
    return jit != null && jit.isCompilationTimeMonitoringSupported()
        ? jit.getTotalCompilationTime()
        : -1;
  }

  /**
   * Where the stream threads spent their time (Kafka Streams' own thread metrics, averaged over the
   * threads): processing, committing, polling, punctuating.
   */
  private static Map<String, Object> threadTime(ProcessorApp processor) {
    Map<String, Double> sums = new TreeMap<>();
    Map<String, Integer> counts = new TreeMap<>();
    for (var e : processor.streams().metrics().entrySet()) {
      var name = e.getKey();
      if (name.group().equals("stream-thread-metrics") && name.name().endsWith("-ratio")) {
        Object v = e.getValue().metricValue();
        if (v instanceof Double d && !d.isNaN()) {
          sums.merge(name.name(), d, Double::sum);
          counts.merge(name.name(), 1, Integer::sum);
        }
      }
    }
    Map<String, Object> out = new LinkedHashMap<>();
    sums.forEach((k, v) -> out.put(k, BenchReport.round(v / counts.get(k), 3)));
    LOG.info("bench: stream threads' time {}", out);
    return out;
  }
}
