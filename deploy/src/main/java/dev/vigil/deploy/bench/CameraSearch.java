package dev.vigil.deploy.bench;

import dev.vigil.processor.ProcessorApp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The camera search at 2 fps: doubling, then bisecting, the number of realtime cameras while the
 * processor keeps up (no frame lost, no growing consumer lag). The cameras replay what a real edge
 * agent sends for the clip ({@link ClipRecording}), so the agents' decoding, which runs on camera
 * hosts, is not in the processor's CPU. Not thread-safe.
 */
final class CameraSearch {
  private static final Logger LOG = LoggerFactory.getLogger(CameraSearch.class);
  private static final double FPS = 2;

  private final BenchContext ctx;
  private final ProcessorApp processor;
  private final List<BenchReport.Trial> trials = new ArrayList<>();
  private ClipRecording recording;

  CameraSearch(BenchContext ctx, ProcessorApp processor) {
    this.ctx = ctx;
    this.processor = processor;
  }

  /** The trials run so far, in order. */
  List<BenchReport.Trial> trials() {
    return List.copyOf(trials);
  }

  /** The most cameras kept up with, up to the run's {@code maxCameras}. */
  int run() throws Exception {
    recording =
        ClipRecording.record(
            ctx.clips.get(0), ctx.site.topics(), FPS, ctx.options.motionThreshold());
    LOG.info(
        "bench: camera search replays {} frames of {} per camera (motion gate skipped {})",
        recording.frames().size(),
        ctx.clips.get(0).getFileName(),
        BenchContext.fmt(recording.skipFraction()));
    int max = ctx.options.maxCameras();
    int lo = 0;
    int hi = -1;
    for (int n = 1; n <= max; n *= 2) {
      if (trial(n).keptUp()) {
        lo = n;
      } else {
        hi = n;
        break;
      }
    }
    if (hi < 0 && lo < max) {
      if (trial(max).keptUp()) {
        return max;
      }
      hi = max;
    }
    if (hi < 0) {
      return lo;
    }
    int steps = ctx.options.quick() ? 1 : 3;
    while (hi - lo > 1 && steps-- > 0) {
      int mid = (lo + hi) / 2;
      if (trial(mid).keptUp()) {
        lo = mid;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  private BenchReport.Trial trial(int n) throws Exception {
    boolean quick = ctx.options.quick();
    Duration length = Duration.ofSeconds(quick ? 10 : 25);
    Duration warmup = Duration.ofSeconds(quick ? 3 : 6);
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      ids.add("t" + trials.size() + "-" + i);
    }
    ReplayFleet agent = new ReplayFleet(ctx.producer, ctx.site.topics().frames(), recording, ids);
    long t0 = System.nanoTime();
    agent.start();
    List<LagProbe.Sample> samples = new ArrayList<>();
    long cpu0 = 0;
    ThreadCpu.Snapshot threads0 = null;
    Map<String, Double> processed0 = Map.of();
    try {
      Thread.sleep(warmup.toMillis());
      cpu0 = ctx.processCpuNanos();
      threads0 = ThreadCpu.snapshot();
      processed0 = processedByThread();
      samples.add(ctx.frames.sample());
      long end = t0 + length.toNanos();
      while (System.nanoTime() < end) {
        Thread.sleep(1000);
        samples.add(ctx.frames.sample());
      }
    } finally {
      agent.close();
    }
    ThreadCpu.Snapshot threads1 = ThreadCpu.snapshot();
    Map<String, Double> processed1 = processedByThread();
    LagProbe.Sample first = samples.get(0);
    LagProbe.Sample last = samples.get(samples.size() - 1);
    double seconds = (last.nanos() - first.nanos()) / 1e9;
    double cpu = (ctx.processCpuNanos() - cpu0) / 1e9 / seconds;
    double[] x = new double[samples.size()];
    double[] y = new double[samples.size()];
    for (int i = 0; i < x.length; i++) {
      x[i] = (samples.get(i).nanos() - first.nanos()) / 1e9;
      y[i] = samples.get(i).lag();
    }
    double offered = (last.end() - first.end()) / seconds;
    double processed = (last.committed() - first.committed()) / seconds;
    long dropped = agent.failed();
    boolean ok = BenchStats.keptUp(x, y, offered, dropped, 3.0);
    BenchReport.Trial t =
        new BenchReport.Trial(
            n,
            FPS,
            offered,
            processed,
            BenchStats.slope(x, y),
            last.lag(),
            dropped,
            cpu,
            recording.skipFraction(),
            ok,
            ThreadCpu.cores(threads0, threads1),
            perSecond(processed0, processed1, seconds));
    LOG.info("bench: trial {}", t);
    trials.add(t);
    if (!ctx.awaitDrained(Duration.ofSeconds(Math.max(60, 3 * length.toSeconds())))) {
      LOG.warn("bench: the processor did not drain after trial {}; the next one starts loaded", n);
    }
    return t;
  }

  /**
   * Records (frames and the internal topics' records) each stream thread has processed, by thread.
   */
  private Map<String, Double> processedByThread() {
    Map<String, Double> out = new TreeMap<>();
    for (var e : processor.streams().metrics().entrySet()) {
      var name = e.getKey();
      if (name.group().equals("stream-thread-metrics") && name.name().equals("process-total")) {
        if (e.getValue().metricValue() instanceof Double d) {
          out.put(name.tags().getOrDefault("thread-id", "?"), d);
        }
      }
    }
    return out;
  }

  /** Records per second of each stream thread between two readings, in thread order. */
  private static List<Object> perSecond(
      Map<String, Double> a, Map<String, Double> b, double seconds) {
    List<Object> out = new ArrayList<>();
    b.forEach((k, v) -> out.add(BenchReport.round((v - a.getOrDefault(k, 0.0)) / seconds, 2)));
    return out;
  }
}
