package dev.vigil.deploy.bench;

import dev.vigil.agent.CameraStats;
import dev.vigil.config.SiteConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The alert latency phase: N cameras at F fps in realtime with motion gating; the MQTT subscriber
 * times every {@code open} event of the bench's own prompt from the capture of its frame. Not
 * thread-safe.
 */
final class LatencyPhase {
  private static final Logger LOG = LoggerFactory.getLogger(LatencyPhase.class);

  /** Alert latency percentiles and the motion gate's skip fraction of one run of the phase. */
  record Latency(double p50, double p99, double skipFraction) {}

  private final BenchContext ctx;

  LatencyPhase(BenchContext ctx) {
    this.ctx = ctx;
  }

  /**
   * Runs the cameras for the run's duration and waits for their last alerts.
   *
   * @param prefix camera ids start with it; open events of other cameras are not counted
   * @param into where {@code latency} goes
   */
  Latency measure(LatencySubscriber subscriber, String prefix, Map<String, Object> into)
      throws Exception {
    Bench.Options o = ctx.options;
    List<SiteConfig.Camera> cams = ctx.cameras(prefix, o.cameras(), o.fps());
    AtomicBoolean clockRunning = new AtomicBoolean(true);
    List<Long> captureToKafka = new ArrayList<>();
    Thread clock =
        new Thread(() -> frameClock(prefix, clockRunning, captureToKafka), "vigil-bench-clock");
    clock.setDaemon(true);
    clock.start();
    Fleet agent = new Fleet(ctx, cams);
    long cpu0 = ctx.processCpuNanos();
    long t0 = System.nanoTime();
    List<Long> lags = new ArrayList<>();
    agent.start();
    try {
      long end = t0 + o.duration().toNanos();
      while (System.nanoTime() < end && !Fleet.ended(agent.stats())) {
        Thread.sleep(1000);
        lags.add(ctx.frames.sample().lag());
      }
    } finally {
      agent.close();
      ctx.producer.flush();
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    double cpu = (ctx.processCpuNanos() - cpu0) / 1e9 / seconds;
    ctx.awaitDrained(Duration.ofMinutes(2));
    Thread.sleep(2000); // the last alerts: violations -> alerts -> MQTT
    clockRunning.set(false);
    clock.join(5000);
    Map<String, CameraStats> stats = agent.stats();
    List<Long> latencies =
        subscriber.arrivals(prefix).stream()
            .filter(a -> a.prompt().equals(Bench.PROMPT_ID))
            .map(LatencySubscriber.Arrival::latencyMs)
            .toList();
    double skip = Fleet.skipFraction(stats);
    Latency l =
        new Latency(
            BenchStats.percentile(latencies, 50), BenchStats.percentile(latencies, 99), skip);
    List<Long> c2k;
    synchronized (captureToKafka) {
      c2k = List.copyOf(captureToKafka);
    }
    LOG.info(
        "bench: latency over {} open events: p50 {} ms, p99 {} ms; capture->consumer p50 {} ms;"
            + " motion skip {}",
        latencies.size(),
        BenchContext.fmt(l.p50()),
        BenchContext.fmt(l.p99()),
        BenchContext.fmt(BenchStats.percentile(c2k, 50)),
        BenchContext.fmt(skip));
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("cameras", o.cameras());
    m.put("fps", o.fps());
    m.put("seconds", BenchReport.round(seconds, 1));
    m.put("open_events", latencies.size());
    m.put("latency_min_ms", latencies.stream().mapToLong(Long::longValue).min().orElse(-1));
    m.put("latency_max_ms", latencies.stream().mapToLong(Long::longValue).max().orElse(-1));
    m.put("latency_mean_ms", BenchReport.round(BenchStats.mean(latencies), 1));
    m.put("capture_to_consumer_p50_ms", BenchReport.round(BenchStats.percentile(c2k, 50), 0));
    m.put("capture_to_consumer_p99_ms", BenchReport.round(BenchStats.percentile(c2k, 99), 0));
    m.put("frames_sent", Fleet.sent(stats));
    m.put("frames_dropped", Fleet.dropped(stats));
    m.put("max_lag", lags.stream().mapToLong(Long::longValue).max().orElse(0));
    m.put("cpu_cores", BenchReport.round(cpu, 2));
    into.put("latency", m);
    return l;
  }

  /**
   * Checks that realtime pacing keeps capture times on the wall clock: the time from a frame's
   * capture timestamp to its arrival at a plain consumer should be tens of milliseconds.
   */
  private void frameClock(String prefix, AtomicBoolean running, List<Long> out) {
    try (KafkaConsumer<String, byte[]> c = ctx.framesConsumer()) {
      c.seekToEnd(c.assignment());
      c.assignment().forEach(c::position);
      while (running.get()) {
        for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
          if (r.key() != null && r.key().startsWith(prefix)) {
            synchronized (out) {
              out.add(System.currentTimeMillis() - r.timestamp());
            }
          }
        }
      }
    }
  }
}
