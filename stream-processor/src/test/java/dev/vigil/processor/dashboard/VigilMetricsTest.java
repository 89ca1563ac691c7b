package dev.vigil.processor.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.config.metrics.ServiceMetrics;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.metrics.Gauge;
import org.apache.kafka.common.metrics.Metrics;
import org.junit.jupiter.api.Test;

class VigilMetricsTest {

  private static void lagMetric(Metrics registry, String client, String partition, double lag) {
    MetricName name =
        registry.metricName(
            "records-lag",
            "consumer-fetch-manager-metrics",
            "",
            Map.of("client-id", client, "topic", "vigil.frames", "partition", partition));
    registry.addMetric(name, (Gauge<Double>) (config, now) -> lag);
  }

  @Test
  void shouldServeTheModelRoutesMetricsWithItsOwn() {
    VigilMetrics m = new VigilMetrics();
    new dev.vigil.processor.vlm.VlmMetrics(m.registry());
    m.framesIn("cam-1");

    assertThat(m.render())
        .contains("# TYPE vigil_frames_in_total counter")
        .contains("# TYPE vigil_vlm_budget_left gauge");
  }

  @Test
  void shouldServeTheJvmMetersWhenTheRegistryIsAServices() {
    try (ServiceMetrics service = ServiceMetrics.withJvm()) {
      VigilMetrics m = new VigilMetrics(service);
      m.framesIn("cam-1");

      assertThat(m.render())
          .contains("vigil_frames_in_total{camera=\"cam-1\"} 1.0")
          .contains("# TYPE jvm_memory_used_bytes gauge")
          .contains("# TYPE jvm_threads_live_threads gauge")
          .contains("# TYPE process_cpu_usage gauge");
    }
  }

  @Test
  void shouldSumTheTimeOfEachStage() {
    VigilMetrics m = new VigilMetrics();
    m.stage("model", 0.020);
    m.stage("model", 0.030);
    m.stage("rules", 0.001);
    assertThat(m.render())
        .contains("# TYPE vigil_stage_seconds summary")
        .contains("vigil_stage_seconds_sum{stage=\"model\"} 0.05")
        .contains("vigil_stage_seconds_count{stage=\"model\"} 2")
        .contains("vigil_stage_seconds_count{stage=\"rules\"} 1");
  }

  @Test
  void shouldTakeTheLargestMainConsumerLagWhenClientsReportOnePartition() {
    try (Metrics registry = new Metrics()) {
      lagMetric(registry, "app-StreamThread-1-consumer", "0", 5);
      lagMetric(registry, "app-StreamThread-2-consumer", "0", 7);
      lagMetric(registry, "app-StreamThread-1-restore-consumer", "0", 100);
      lagMetric(registry, "app-StreamThread-1-consumer", "1", Double.NaN);
      registry.addMetric(
          registry.metricName("records-lag-max", "consumer-fetch-manager-metrics"),
          (Gauge<Double>) (config, now) -> 9.0);

      assertThat(VigilMetrics.streamsLag(registry.metrics()))
          .isEqualTo(Map.of(List.of("vigil.frames", "0"), 7.0));

      VigilMetrics metrics = new VigilMetrics();
      metrics.lag("vigil.frames", 0, 1);
      metrics.lagSource(() -> VigilMetrics.streamsLag(registry.metrics()));
      assertThat(metrics.render())
          .contains("vigil_consumer_lag{partition=\"0\",topic=\"vigil.frames\"} 7.0\n");
    }
  }

  @Test
  void shouldEscapeLabelValuesWhenTheyHoldQuotesOrNewlines() {
    VigilMetrics metrics = new VigilMetrics();
    metrics.frameDropped("cam \"a\"", "bad\\jpeg\nreally");
    assertThat(metrics.render())
        .contains(
            "vigil_frames_dropped_total{camera=\"cam \\\"a\\\"\",reason=\"bad\\\\jpeg\\nreally\"} 1.0\n");
  }

  @Test
  void shouldDropThePartitionsALagSourceNoLongerReports() {
    VigilMetrics metrics = new VigilMetrics();
    java.util.concurrent.atomic.AtomicReference<Map<List<String>, Double>> lag =
        new java.util.concurrent.atomic.AtomicReference<>(
            Map.of(List.of("vigil.frames", "0"), 3.0, List.of("vigil.frames", "1"), 4.0));
    metrics.lagSource(lag::get);
    assertThat(metrics.render())
        .contains("vigil_consumer_lag{partition=\"0\",topic=\"vigil.frames\"} 3.0\n");

    // A rebalance moved partition 0 to another processor.
    lag.set(Map.of(List.of("vigil.frames", "1"), 2.0));
    assertThat(metrics.render())
        .contains("vigil_consumer_lag{partition=\"1\",topic=\"vigil.frames\"} 2.0\n")
        .doesNotContain("partition=\"0\"");
  }

  @Test
  void shouldKeepScrapingWhenALagSourceFails() {
    VigilMetrics metrics = new VigilMetrics();
    metrics.framesIn("cam-1");
    metrics.lagSource(
        () -> {
          throw new IllegalStateException("streams closed");
        });
    assertThat(metrics.render()).contains("vigil_frames_in_total{camera=\"cam-1\"} 1.0\n");
  }
}
