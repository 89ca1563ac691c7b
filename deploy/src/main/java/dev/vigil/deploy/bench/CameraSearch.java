package dev.vigil.deploy.bench;

import dev.vigil.agent.CameraStats;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The camera search at 2 fps: doubling, then bisecting, the number of realtime cameras while the
 * processor keeps up (no dropped frame, no growing consumer lag). Not thread-safe.
 */
final class CameraSearch {
  private static final Logger LOG = LoggerFactory.getLogger(CameraSearch.class);
  private static final double FPS = 2;

  private final BenchContext ctx;
  private final List<BenchReport.Trial> trials = new ArrayList<>();

  CameraSearch(BenchContext ctx) {
    this.ctx = ctx;
  }

  /** The trials run so far, in order. */
  List<BenchReport.Trial> trials() {
    return List.copyOf(trials);
  }

  /** The most cameras kept up with, up to the run's {@code maxCameras}. */
  int run() throws Exception {
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
    Fleet agent = new Fleet(ctx, ctx.cameras("t" + trials.size() + "-", n, FPS));
    long t0 = System.nanoTime();
    agent.start();
    List<LagProbe.Sample> samples = new ArrayList<>();
    long cpu0 = 0;
    try {
      Thread.sleep(warmup.toMillis());
      cpu0 = ctx.processCpuNanos();
      samples.add(ctx.frames.sample());
      long end = t0 + length.toNanos();
      while (System.nanoTime() < end) {
        Thread.sleep(1000);
        samples.add(ctx.frames.sample());
      }
    } finally {
      agent.close();
    }
    Map<String, CameraStats> stats = agent.stats();
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
    long dropped = Fleet.dropped(stats);
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
            Fleet.skipFraction(stats),
            ok);
    LOG.info("bench: trial {}", t);
    trials.add(t);
    if (!ctx.awaitDrained(Duration.ofSeconds(Math.max(60, 3 * length.toSeconds())))) {
      LOG.warn("bench: the processor did not drain after trial {}; the next one starts loaded", n);
    }
    return t;
  }
}
