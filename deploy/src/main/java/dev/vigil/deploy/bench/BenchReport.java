package dev.vigil.deploy.bench;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one {@code vigil bench} run measured. The headline keys of the issue come first in {@link
 * #headline()}; {@link #details()} holds everything else (trials, tuning, timings); {@link
 * #slowModel()}, with {@code --vlm-delay-ms} only, the slow-model phase beside the baseline.
 *
 * @param bareModelFps median of the bare model's windows around the pipeline's
 * @param pipelineFps median of the pipeline's windows
 * @param pipelineVsBareRatio median of each pipeline window's ratio to the bare windows around it,
 *     each rate per core the processor's competitors (brokers, alerts, agents) left it: not {@code
 *     pipelineFps / bareModelFps}, whose two medians may come from different minutes
 */
public record BenchReport(
    double bareModelFps,
    double pipelineFps,
    double pipelineVsBareRatio,
    double alertLatencyP50Ms,
    double alertLatencyP99Ms,
    int camerasAt2Fps,
    double motionSkipFraction,
    double rssMb,
    Map<String, Object> details,
    Map<String, Object> slowModel) {

  /** The eight keys of the issue, in its order. */
  public Map<String, Object> headline() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("bare_model_fps", round(bareModelFps, 2));
    m.put("pipeline_fps", round(pipelineFps, 2));
    m.put("pipeline_vs_bare_ratio", round(pipelineVsBareRatio, 3));
    m.put("alert_latency_p50_ms", round(alertLatencyP50Ms, 0));
    m.put("alert_latency_p99_ms", round(alertLatencyP99Ms, 0));
    m.put("cameras_at_2fps", camerasAt2Fps);
    m.put("motion_skip_fraction", round(motionSkipFraction, 3));
    m.put("rss_mb", round(rssMb, 0));
    return m;
  }

  /** The headline keys, then {@code slow_model} when that phase ran, then {@code details}. */
  public Map<String, Object> all() {
    Map<String, Object> m = headline();
    if (slowModel != null) {
      m.put("slow_model", slowModel);
    }
    m.put("details", details);
    return m;
  }

  /**
   * A short human table: the headline keys, then where a frame's milliseconds went and which
   * threads used the CPU while the pipeline was measured.
   */
  public String table() {
    StringBuilder b = new StringBuilder();
    headline().forEach((k, v) -> b.append(String.format("%-28s %s%n", k, v)));
    if (slowModel != null) {
      b.append(slowModelLine(slowModel));
    }
    // The windows, their spread and the ratio with the competitors left in, beside the headline.
    section(b, "throughput windows", details.get("throughput"));
    section(b, "ms per frame, by stage", details.get("stage_ms_per_frame"));
    section(b, "cores, by thread group", details.get("cpu_by_thread_group_cores"));
    return b.toString();
  }

  /** One line: the slow-model phase's figures next to the baseline's, and the model's calls. */
  static String slowModelLine(Map<String, Object> s) {
    return String.format(
        "%-28s pipeline %s fps (without %s), other prompt p50/p99 %s/%s ms (without %s/%s),"
            + " calls made %s, dropped %s%n",
        "slow_model_" + s.get("delay_ms") + "ms",
        s.get("pipeline_fps"),
        s.get("pipeline_fps_without"),
        s.get("alert_latency_p50_ms"),
        s.get("alert_latency_p99_ms"),
        s.get("alert_latency_p50_ms_without"),
        s.get("alert_latency_p99_ms_without"),
        s.get("vlm_calls_made"),
        s.get("vlm_calls_dropped"));
  }

  private static void section(StringBuilder b, String title, Object rows) {
    if (rows instanceof Map<?, ?> m && !m.isEmpty()) {
      b.append(title).append('\n');
      m.forEach((k, v) -> b.append(String.format("  %-26s %s%n", k, v)));
    }
  }

  /** Rounds for output; NaN and infinities become null (JSON has no NaN). */
  static Object round(double v, int digits) {
    if (Double.isNaN(v) || Double.isInfinite(v)) {
      return null;
    }
    double f = Math.pow(10, digits);
    double r = Math.round(v * f) / f;
    return digits == 0 ? (Object) (long) r : (Object) r;
  }

  /** One trial of the camera search. */
  record Trial(
      int cameras,
      double fps,
      double offeredFps,
      double processedFps,
      double lagSlope,
      long finalLag,
      long dropped,
      double cpuCores,
      double skipFraction,
      boolean keptUp,
      Map<String, Object> cpuByThreadGroup,
      List<Object> recordsPerSecondByStreamThread) {
    Map<String, Object> toMap() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("cameras", cameras);
      m.put("fps", fps);
      m.put("offered_fps", round(offeredFps, 2));
      m.put("processed_fps", round(processedFps, 2));
      m.put("lag_slope_frames_per_s", round(lagSlope, 3));
      m.put("final_lag", finalLag);
      m.put("dropped", dropped);
      m.put("cpu_cores", round(cpuCores, 2));
      m.put("motion_skip_fraction", round(skipFraction, 3));
      m.put("kept_up", keptUp);
      m.put("cpu_by_thread_group_cores", cpuByThreadGroup);
      m.put("records_per_s_by_stream_thread", recordsPerSecondByStreamThread);
      return m;
    }

    static List<Map<String, Object>> toMaps(List<Trial> trials) {
      return trials.stream().map(Trial::toMap).toList();
    }
  }
}
