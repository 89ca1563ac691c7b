package dev.vigil.deploy.bench;

import dev.vigil.config.PromptSpec;
import dev.vigil.config.SiteConfig;
import dev.vigil.processor.ProcessorApp;
import dev.vigil.processor.vlm.VlmMetrics;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The slow-model phase ({@code --vlm-delay-ms}): the throughput and latency phases run twice more,
 * back to back on a restarted processor, first without a multimodal model, then with an endpoint
 * that answers each call after the delay and a prompt the compiler cannot compile going to it
 * (gated on someone in view) next to the bench's own. Back to back, so that this shared machine's
 * drift and the JIT's warm-up weigh on both alike; reports the two side by side, with the model's
 * calls made and dropped. Not thread-safe.
 */
final class SlowModelPhase {
  private static final Logger LOG = LoggerFactory.getLogger(SlowModelPhase.class);

  /** Outside the prompt language, so the model answers it; gated on someone in view. */
  static final String PROMPT_TEXT = "Is the fire exit blocked?";

  static final String PROMPT_ID = "exit-blocked";
  static final String MODEL = "bench-slow-vl";

  /** What one rerun measured, and the model's counters when it had one. */
  private record Rerun(
      double fps, LatencyPhase.Latency latency, Map<String, Object> figures, VlmMetrics calls) {}

  private final BenchContext ctx;
  private final ThroughputPhase throughput;
  private final LatencyPhase latency;
  private final Duration delay;

  /**
   * @param throughput the throughput phase as this phase runs it (its warm-up and windows)
   * @param delay how long the endpoint takes to answer each call
   */
  SlowModelPhase(
      BenchContext ctx, ThroughputPhase throughput, LatencyPhase latency, Duration delay) {
    this.ctx = ctx;
    this.throughput = throughput;
    this.latency = latency;
    this.delay = delay;
  }

  /**
   * Runs the phase; the run's own processor must be closed.
   *
   * @param processors builds (does not start) the processor, for a model endpoint or null
   * @param bareFps the bare model's rate, to size the backlogs
   * @return the phase's figures, the comparison keys first
   */
  Map<String, Object> run(
      Function<SiteConfig.Vlm, ProcessorApp> processors,
      LatencySubscriber subscriber,
      double bareFps)
      throws Exception {
    try (SlowChatEndpoint endpoint = SlowChatEndpoint.start(delay)) {
      // The default limits of a site, with a timeout the delay fits in: every call is answered.
      SiteConfig.Vlm vlm =
          SiteConfig.Vlm.of(endpoint.baseUrl(), MODEL)
              .withTimeoutS(
                  Math.max(SiteConfig.Vlm.DEFAULT_TIMEOUT_S, delay.toMillis() / 1000.0 + 10));
      Rerun without = rerun(processors.apply(null), "ref-", subscriber, bareFps);
      ctx.publishPrompt(new PromptSpec(PROMPT_ID, PROMPT_TEXT, List.of(), 0, "info"));
      Rerun with = rerun(processors.apply(vlm), "vlm-", subscriber, bareFps);
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("delay_ms", delay.toMillis());
      m.put("pipeline_fps", BenchReport.round(with.fps(), 2));
      m.put("pipeline_fps_without", BenchReport.round(without.fps(), 2));
      m.put("pipeline_fps_ratio", BenchReport.round(with.fps() / without.fps(), 3));
      m.put("alert_latency_p50_ms", BenchReport.round(with.latency().p50(), 0));
      m.put("alert_latency_p99_ms", BenchReport.round(with.latency().p99(), 0));
      m.put("alert_latency_p50_ms_without", BenchReport.round(without.latency().p50(), 0));
      m.put("alert_latency_p99_ms_without", BenchReport.round(without.latency().p99(), 0));
      m.put("vlm_calls_made", endpoint.received());
      m.put("vlm_calls_answered", endpoint.answered());
      m.put("vlm_calls_dropped", with.calls().skipped("queue_full"));
      m.put("vlm_calls_timed_out", with.calls().calls("timeout"));
      m.put("vlm_requests_skipped", skipped(with.calls()));
      m.put("vlm_prompt", PROMPT_TEXT);
      m.put("vlm_limits", limits(vlm));
      m.put("with", with.figures());
      m.put("without", without.figures());
      LOG.info(
          "bench: slow model ({} ms per call): pipeline {} fps (without {}), other prompt p50 {}"
              + " ms p99 {} ms (without {} / {}); calls made {}, dropped {}",
          delay.toMillis(),
          BenchContext.fmt(with.fps()),
          BenchContext.fmt(without.fps()),
          BenchContext.fmt(with.latency().p50()),
          BenchContext.fmt(with.latency().p99()),
          BenchContext.fmt(without.latency().p50()),
          BenchContext.fmt(without.latency().p99()),
          endpoint.received(),
          m.get("vlm_calls_dropped"));
      return m;
    }
  }

  /**
   * Throughput on a fresh backlog, then latency, on {@code processor}, which it starts and closes.
   * Camera ids start with {@code prefix}.
   */
  private Rerun rerun(
      ProcessorApp processor, String prefix, LatencySubscriber subscriber, double bareFps)
      throws Exception {
    try (processor) {
      long committed = ctx.frames.sample().committed();
      Backlog.produce(ctx, prefix + "load-", throughput.backlogFor(bareFps));
      Map<String, Object> figures = new LinkedHashMap<>();
      processor.start();
      double fps = throughput.measure(processor, committed, figures);
      ctx.awaitDrained(Duration.ofMinutes(5));
      ctx.awaitClockPastFrames();
      LatencyPhase.Latency l = latency.measure(subscriber, prefix + "lat-", figures);
      return new Rerun(fps, l, figures, processor.vlmMetrics());
    }
  }

  /**
   * Requests not sent, by reason: besides {@code queue_full}, {@code no_frame} (the camera's held
   * frame moved on before the rules asked about it), {@code recorded} and {@code budget}.
   */
  private static Map<String, Object> skipped(VlmMetrics calls) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (String reason : List.of("queue_full", "no_frame", "recorded", "budget")) {
      m.put(reason, calls.skipped(reason));
    }
    return m;
  }

  private static Map<String, Object> limits(SiteConfig.Vlm vlm) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("max_concurrent", vlm.maxConcurrent());
    m.put("min_interval_s", vlm.minIntervalS());
    m.put("queue_size", vlm.queueSize());
    m.put("timeout_s", vlm.timeoutS());
    return m;
  }
}
