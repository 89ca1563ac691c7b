package dev.vigil.deploy.bench;

import dev.vigil.config.PromptSpec;
import dev.vigil.config.SiteConfig;
import dev.vigil.processor.ProcessorApp;
import dev.vigil.processor.vlm.VlmMetrics;
import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The slow-model phase ({@code --vlm-delay-ms}): the throughput and latency phases run twice more,
 * back to back on the running processor, first with only the bench's own prompt, then with one more
 * that the compiler cannot compile (gated on someone in view), which goes to a model endpoint
 * answering each call after the delay. Back to back, so that this shared machine's drift weighs on
 * both alike; reports the two side by side, with the model's calls made and dropped.
 *
 * <p>Owns the endpoint, which must be up before the processor starts: {@link #vlm()} is the
 * processor's model route from the start of the run, idle while no prompt goes to it. {@link
 * #close()} stops the endpoint. Not thread-safe.
 */
final class SlowModelPhase implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SlowModelPhase.class);

  /** Outside the prompt language, so the model answers it; gated on someone in view. */
  static final String PROMPT_TEXT = "Is the fire exit blocked?";

  static final String PROMPT_ID = "exit-blocked";
  static final String MODEL = "bench-slow-vl";

  /** What one rerun measured. */
  private record Rerun(double fps, LatencyPhase.Latency latency, Map<String, Object> figures) {}

  private final BenchContext ctx;
  private final SlowChatEndpoint endpoint;
  private final SiteConfig.Vlm vlm;
  private final Duration delay;

  private SlowModelPhase(BenchContext ctx, Duration delay) throws IOException {
    this.ctx = ctx;
    this.delay = delay;
    this.endpoint = SlowChatEndpoint.start(delay);
    // The default limits of a site, with a timeout the delay fits in: every call is answered.
    this.vlm =
        SiteConfig.Vlm.of(endpoint.baseUrl(), MODEL)
            .withTimeoutS(
                Math.max(SiteConfig.Vlm.DEFAULT_TIMEOUT_S, delay.toMillis() / 1000.0 + 10));
  }

  /** Starts the endpoint, answering each call after {@code delay}. */
  static SlowModelPhase start(BenchContext ctx, Duration delay) throws IOException {
    return new SlowModelPhase(ctx, delay);
  }

  /** The model route the processor runs with. */
  SiteConfig.Vlm vlm() {
    return vlm;
  }

  /**
   * Runs the phase on {@code processor}, started with {@link #vlm()}.
   *
   * @param throughput the throughput phase as this phase runs it (its warm-up and windows)
   * @param backlog frames of each rerun's backlog
   * @return the phase's figures, the comparison keys first
   */
  Map<String, Object> run(
      ProcessorApp processor,
      ThroughputPhase throughput,
      LatencyPhase latency,
      LatencySubscriber subscriber,
      int backlog)
      throws Exception {
    Rerun without = rerun(processor, throughput, latency, subscriber, backlog, "ref-");
    ctx.publishPrompt(new PromptSpec(PROMPT_ID, PROMPT_TEXT, List.of(), 0, "info"));
    Rerun with = rerun(processor, throughput, latency, subscriber, backlog, "vlm-");
    VlmMetrics calls = processor.vlmMetrics();
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
    m.put("vlm_calls_dropped", calls.skipped("queue_full"));
    m.put("vlm_calls_timed_out", calls.calls("timeout"));
    m.put("vlm_requests_skipped", skipped(calls));
    m.put("vlm_prompt", PROMPT_TEXT);
    m.put("vlm_limits", limits(vlm));
    LOG.info("bench: slow model {}", m);
    m.put("with", with.figures());
    m.put("without", without.figures());
    return m;
  }

  /** Throughput on a fresh backlog, then latency; camera ids start with {@code prefix}. */
  private Rerun rerun(
      ProcessorApp processor,
      ThroughputPhase throughput,
      LatencyPhase latency,
      LatencySubscriber subscriber,
      int backlog,
      String prefix)
      throws Exception {
    long committed = ctx.frames.sample().committed();
    // As in phase 3, the backlog is written first and then drained.
    processor.streams().pause();
    try {
      Backlog.produce(ctx, prefix + "load-", backlog);
    } finally {
      processor.streams().resume();
    }
    Map<String, Object> figures = new LinkedHashMap<>();
    double fps = throughput.measure(processor, null, committed, figures).pipelineFps();
    ctx.awaitDrained(Duration.ofMinutes(5));
    ctx.awaitClockPastFrames();
    LatencyPhase.Latency l = latency.measure(subscriber, prefix + "lat-", figures);
    return new Rerun(fps, l, figures);
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

  @Override
  public void close() {
    endpoint.close();
  }
}
