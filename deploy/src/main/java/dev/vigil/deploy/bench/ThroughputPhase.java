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
 * it drains a backlog, once the JIT has settled, as the median of {@link #WINDOWS} windows, and its
 * ratio to the bare model measured between those windows. Also records where the CPU and each
 * frame's milliseconds went over the same windows. Not thread-safe.
 */
final class ThroughputPhase {
  private static final Logger LOG = LoggerFactory.getLogger(ThroughputPhase.class);

  /** JIT compile rate, in cores, below which the pipeline counts as warmed up. */
  static final double JIT_SETTLED_CORES = 0.05;

  /** Span over which the JIT compile rate is averaged. */
  static final Duration JIT_SPAN = Duration.ofSeconds(10);

  /** Throughput windows; {@code pipeline_fps} is their median. */
  static final int WINDOWS = 3;

  /** Time after a resume before a window starts: the consumer refetches what the pause left. */
  static final Duration RESUME_SETTLE = Duration.ofSeconds(3);

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
   * The pipeline's rate and, when measured around it, the bare model's and the ratio of the two.
   *
   * @param bareFps median of the bare windows; NaN when none ran
   * @param ratio median of each pipeline window's ratio to the bare windows around it, each rate
   *     taken per core its competitors left it ({@link ThreadCpu#COMPETITORS}); NaN when none ran
   * @param ratioInOneProcess the same with the competitors' CPU left in: what this one process
   *     measured, brokers and alerts included
   */
  record Result(double pipelineFps, double bareFps, double ratio, double ratioInOneProcess) {}

  /**
   * Rate of committed frame offsets after warm-up, while {@code processor} drains the backlog. With
   * a bare phase, the processor is paused before, between and after its windows while the bare
   * model runs on the same frames and model, so each window is compared with the machine's speed of
   * that minute.
   *
   * @param bare measures the bare model between the windows; null for the pipeline alone
   * @param committedBefore frame offsets committed before this processor started: the warm-up
   *     starts at its first commit
   * @param into where the phase's figures go ({@code throughput}, per-stage and per-thread-group
   *     tables, {@code stream_thread_waits}, {@code broker_requests_per_s})
   */
  Result measure(
      ProcessorApp processor, BarePhase bare, long committedBefore, Map<String, Object> into)
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
    double warmupS = warmUp();
    if (bare != null) {
      // One bare window and one pipeline window, not counted: in four runs without this, the
      // first pipeline window after the first bare one was always the slowest (ratio 0.73-0.79
      // against 0.82-0.86 for the others) while the JIT compiled for the alternation.
      processor.streams().pause();
      bare.warmUp();
      processor.streams().resume();
      Thread.sleep(RESUME_SETTLE.plus(window).toMillis());
      warmupS = (System.nanoTime() - s.nanos()) / 1e9;
    }
    long jit0 = jitMillis();
    Map<String, double[]> stages0 = processor.metrics().stages();
    List<Double> rates = new ArrayList<>();
    List<Double> bares = new ArrayList<>();
    List<Double> bareCompetitors = new ArrayList<>();
    List<Map<String, Object>> cpuByGroup = new ArrayList<>();
    Map<String, Object> topOther = Map.of();
    List<Map<String, Object>> waits = new ArrayList<>();
    List<Map<String, Object>> requests = new ArrayList<>();
    long committed = 0;
    double seconds = 0;
    double cpuSeconds = 0;
    LagProbe.Sample last = probe.sample();
    try {
      if (bare != null) {
        bareWindow(processor, bare, bares, bareCompetitors);
      }
      // Several windows, so one stall or burst of this shared machine does not make the figure.
      for (int w = 0; w < WINDOWS && last.lag() > 0; w++) {
        if (bare != null) {
          processor.streams().resume();
          Thread.sleep(RESUME_SETTLE.toMillis());
        }
        ThreadCpu.Snapshot threads0 = ThreadCpu.snapshot();
        Map<String, Double> waits0 = waitTotals(processor);
        Map<String, Long> requests0 = BrokerRequests.totals();
        LagProbe.Sample from = probe.sample();
        last = from;
        long end = from.nanos() + window.toNanos();
        while (System.nanoTime() < end) {
          Thread.sleep(250);
          LagProbe.Sample n = probe.sample();
          if (n.lag() == 0) {
            break; // drained: the rest would measure idling
          }
          last = n;
        }
        ThreadCpu.Snapshot threads1 = ThreadCpu.snapshot();
        double span = (last.nanos() - from.nanos()) / 1e9;
        if (span <= 0) {
          break;
        }
        rates.add((last.committed() - from.committed()) / span);
        committed += last.committed() - from.committed();
        seconds += span;
        cpuSeconds += (threads1.processCpu() - threads0.processCpu()) / 1e9;
        cpuByGroup.add(ThreadCpu.cores(threads0, threads1));
        topOther = ThreadCpu.topOther(threads0, threads1, 8);
        waits.add(
            waitShares(waits0, waitTotals(processor), (threads1.nanos() - threads0.nanos()) / 1e9));
        requests.add(BrokerRequests.perSecond(requests0, BrokerRequests.totals(), span));
        if (bare != null) {
          bareWindow(processor, bare, bares, bareCompetitors);
        }
      }
    } finally {
      if (bare != null) {
        processor.streams().resume();
      }
    }
    double fps = median(rates);
    List<Double> competitors = cpuByGroup.stream().map(ThreadCpu::competitorCores).toList();
    boolean interleaved = bares.size() == rates.size() + 1;
    List<Double> inOneProcess =
        interleaved ? BenchStats.ratiosToBareAround(rates, bares) : List.of();
    // In a plant the brokers, alerts and agents do not share the processor's node: compare the
    // rates per core they left, so the ratio is the processor's own overhead over the bare model.
    double machine = Runtime.getRuntime().availableProcessors();
    List<Double> ratios =
        interleaved
            ? BenchStats.ratiosToBareAround(
                BenchStats.perCoreLeft(rates, competitors, machine),
                BenchStats.perCoreLeft(bares, bareCompetitors, machine))
            : List.of();
    Result result = new Result(fps, median(bares), median(ratios), median(inOneProcess));
    into.put("cpu_by_thread_group_cores", BenchStats.meanByKey(cpuByGroup));
    into.put("other_threads_cores", topOther);
    into.put(
        "stage_ms_per_frame", stagesPerFrame(stages0, processor.metrics().stages(), committed));
    double cpu = seconds > 0 ? cpuSeconds / seconds : Double.NaN;
    double jit = seconds > 0 ? (jitMillis() - jit0) / 1e3 / seconds : Double.NaN;
    LOG.info(
        "bench: pipeline {} fps over {} s ({} frames) after {} s of warm-up, {} cores busy, JIT {}"
            + " cores; ratio to the bare model around each window {} (competitors' CPU left in: {})",
        BenchContext.fmt(fps),
        BenchContext.fmt(seconds),
        committed,
        BenchContext.fmt(warmupS),
        BenchContext.fmt(cpu),
        BenchContext.fmt(jit),
        rounded(ratios, 3),
        rounded(inOneProcess, 3));
    Map<String, Object> t = new LinkedHashMap<>();
    t.put("warmup_s", BenchReport.round(warmupS, 1));
    t.put("window_s", BenchReport.round(seconds, 1));
    t.put("frames", committed);
    t.put("window_fps", rounded(rates, 2));
    t.put("window_fps_min", BenchReport.round(extreme(rates, false), 2));
    t.put("window_fps_max", BenchReport.round(extreme(rates, true), 2));
    if (bare != null) {
      t.put("bare_window_fps", rounded(bares, 2));
      t.put("window_ratios", rounded(ratios, 3));
      t.put("ratio_min", BenchReport.round(extreme(ratios, false), 3));
      t.put("ratio_max", BenchReport.round(extreme(ratios, true), 3));
      t.put("competitor_cores", rounded(competitors, 3));
      t.put("bare_competitor_cores", rounded(bareCompetitors, 3));
      t.put("window_ratios_in_one_process", rounded(inOneProcess, 3));
      t.put("ratio_in_one_process", BenchReport.round(result.ratioInOneProcess(), 3));
    }
    t.put("lag_left", last.lag());
    t.put("cpu_cores", BenchReport.round(cpu, 2));
    t.put("jit_cores", BenchReport.round(jit, 3));
    into.put("throughput", t);
    into.put("stream_thread_waits", BenchStats.meanByKey(waits));
    into.put("broker_requests_per_s", BenchStats.meanByKey(requests));
    return result;
  }

  /**
   * Measures the bare model with the processor paused (the caller resumes it), adding its rate and
   * its competitors' cores to the lists.
   */
  private static void bareWindow(
      ProcessorApp processor, BarePhase bare, List<Double> fps, List<Double> competitorCores)
      throws InterruptedException {
    processor.streams().pause();
    BareModel.Result r = bare.between();
    fps.add(r.fps());
    competitorCores.add(ThreadCpu.competitorCores(r.cpu()));
  }

  private static double median(List<Double> values) {
    return values.isEmpty() ? Double.NaN : BenchStats.percentile(values, 50);
  }

  private static List<Object> rounded(List<Double> values, int digits) {
    return values.stream().map(r -> BenchReport.round(r, digits)).toList();
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

  /** Kafka Streams' cumulative per-thread totals that say where the stream threads wait. */
  private static final Map<String, String> WAIT_TOTALS =
      Map.of(
          "blocked-time-ns-total", "blocked_on_kafka",
          "txn-commit-time-ns-total", "txn_commit",
          "txn-send-offsets-time-ns-total", "txn_send_offsets",
          "flush-time-ns-total", "producer_flush");

  /**
   * Sums of {@link #WAIT_TOTALS} and of commits over the stream threads (their thread metrics and
   * their producers' metrics), and how many stream threads there are.
   */
  private static Map<String, Double> waitTotals(ProcessorApp processor) {
    Map<String, Double> sums = new TreeMap<>();
    for (var e : processor.streams().metrics().entrySet()) {
      var name = e.getKey();
      boolean thread = name.group().equals("stream-thread-metrics");
      boolean producer =
          name.group().equals("producer-metrics")
              && name.tags().getOrDefault("client-id", "").contains("StreamThread");
      if ((thread || producer) && e.getValue().metricValue() instanceof Double d && !d.isNaN()) {
        if (WAIT_TOTALS.containsKey(name.name())) {
          sums.merge(name.name(), d, Double::sum);
        } else if (thread && name.name().equals("commit-total")) {
          sums.merge("commit-total", d, Double::sum);
          sums.merge("threads", 1.0, Double::sum);
        }
      }
    }
    return sums;
  }

  /**
   * Share of the stream threads' wall time spent waiting on Kafka between two readings: in all
   * ({@code blocked_on_kafka}: poll, commit and flush, KIP-761) and in the transaction's parts, and
   * their commits per second.
   */
  private static Map<String, Object> waitShares(
      Map<String, Double> a, Map<String, Double> b, double seconds) {
    Map<String, Object> out = new LinkedHashMap<>();
    double threadSeconds = b.getOrDefault("threads", 0.0) * seconds;
    if (threadSeconds <= 0) {
      return out;
    }
    WAIT_TOTALS.forEach(
        (metric, key) -> {
          double ns = b.getOrDefault(metric, 0.0) - a.getOrDefault(metric, 0.0);
          out.put(key + "_share", BenchReport.round(ns / 1e9 / threadSeconds, 3));
        });
    double commits = b.getOrDefault("commit-total", 0.0) - a.getOrDefault("commit-total", 0.0);
    out.put("commits_per_s", BenchReport.round(commits / seconds, 2));
    return out;
  }
}
