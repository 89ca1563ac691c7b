package dev.vigil.deploy.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class BenchStatsTest {
  private static final double[] SECONDS = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};

  @Test
  void shouldTakeNearestRankPercentiles() {
    List<Integer> v = List.of(5, 1, 4, 2, 3, 10, 9, 8, 7, 6);
    assertThat(BenchStats.percentile(v, 50)).isEqualTo(5);
    assertThat(BenchStats.percentile(v, 90)).isEqualTo(9);
    assertThat(BenchStats.percentile(v, 99)).isEqualTo(10);
    assertThat(BenchStats.percentile(v, 100)).isEqualTo(10);
    assertThat(BenchStats.percentile(v, 0)).isEqualTo(1);
    assertThat(BenchStats.percentile(List.of(42L), 99)).isEqualTo(42);
  }

  @Test
  void shouldGiveNanWhenThereAreNoValues() {
    assertThat(BenchStats.percentile(List.<Long>of(), 50)).isNaN();
    assertThat(BenchStats.mean(List.<Long>of())).isNaN();
  }

  @Test
  void shouldRefusePercentilesOutsideZeroToHundred() {
    assertThatThrownBy(() -> BenchStats.percentile(List.of(1), 101))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void shouldFitTheSlopeOfALine() {
    double[] y = new double[SECONDS.length];
    for (int i = 0; i < y.length; i++) {
      y[i] = 3 + 2.5 * SECONDS[i];
    }
    assertThat(BenchStats.slope(SECONDS, y))
        .isCloseTo(2.5, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(BenchStats.slope(new double[] {1}, new double[] {5})).isZero();
  }

  /**
   * Lag per second (frames behind), the frames offered per second and dropped by the agent, and
   * whether that kept up.
   */
  static Stream<Arguments> lagRuns() {
    return Stream.of(
        Arguments.of(
            "lag hovering around a few frames",
            new double[] {1, 0, 2, 1, 0, 3, 1, 0, 1, 2},
            8.0,
            0L,
            true),
        Arguments.of(
            "lag growing", new double[] {0, 2, 4, 6, 8, 10, 12, 14, 16, 18}, 20.0, 0L, false),
        Arguments.of(
            "large lag at the end, even if flat",
            new double[] {100, 100, 101, 99, 100, 100, 100, 101, 100, 100},
            10.0,
            0L,
            false),
        Arguments.of("no lag, but the agent dropped frames", new double[10], 10.0, 1L, false),
        Arguments.of(
            "a backlog draining",
            new double[] {30, 26, 22, 18, 14, 10, 6, 3, 1, 0},
            10.0,
            0L,
            true));
  }

  @ParameterizedTest(name = "{0}: kept up = {4}")
  @MethodSource("lagRuns")
  void shouldKeepUpOnlyWhenLagStaysBoundedAndNoFrameIsDropped(
      String run, double[] lag, double offeredFps, long dropped, boolean keptUp) {
    assertThat(BenchStats.keptUp(SECONDS, lag, offeredFps, dropped, 3)).isEqualTo(keptUp);
  }

  @Test
  void shouldCompareEachPipelineWindowWithTheBareWindowsAroundIt() {
    // The machine slows from 80 to 60 fps over the run; the pipeline keeps 0.9 of it throughout.
    List<Double> bare = List.of(80.0, 75.0, 65.0, 60.0);
    List<Double> pipeline = List.of(0.9 * 77.5, 0.9 * 70.0, 0.9 * 62.5);

    assertThat(BenchStats.ratiosToBareAround(pipeline, bare))
        .allSatisfy(r -> assertThat(r).isCloseTo(0.9, org.assertj.core.data.Offset.offset(1e-9)));
    // Against the first bare window alone it would have read 0.72 to 0.87.
  }

  @Test
  void shouldAverageTablesKeyByKeySkippingMissingValues() {
    Map<String, Object> a = new java.util.LinkedHashMap<>(Map.of("broker", 0.1));
    a.put("stream", 0.2);
    a.put("gc", null);
    Map<String, Object> b = Map.of("broker", 0.3, "stream", 0.4);

    assertThat(BenchStats.meanByKey(List.of(a, b)))
        .containsEntry("broker", 0.2)
        .containsEntry("stream", 0.3)
        .containsEntry("gc", null);
    assertThat(BenchStats.meanByKey(List.of())).isEmpty();
  }

  @Test
  void shouldTakeEachRatePerCoreItsCompetitorsLeft() {
    // 54 fps while a broker took 0.2 of 2 cores is 30 fps per core left; 60 fps with 0.0 is 30.
    assertThat(BenchStats.perCoreLeft(List.of(54.0, 60.0), List.of(0.2, 0.0), 2))
        .containsExactly(30.0, 30.0);
  }

  @Test
  void shouldRefuseRatesWithoutTheirCompetitorFigures() {
    assertThatThrownBy(() -> BenchStats.perCoreLeft(List.of(54.0, 60.0), List.of(0.2), 2))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("2 rates need as many competitor figures, got 1");
  }

  @Test
  void shouldRefuseWindowsThatAreNotInterleaved() {
    assertThatThrownBy(
            () -> BenchStats.ratiosToBareAround(List.of(50.0, 52.0), List.of(60.0, 61.0)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("2 pipeline windows need 3 bare windows around them, got 2");
  }

  @Test
  void shouldWriteNullForNanInTheReport() {
    BenchReport r =
        new BenchReport(30, 27, 0.9, Double.NaN, Double.NaN, 12, 0.5, 900, Map.of(), null);
    assertThat(r.headline())
        .containsKeys(
            "bare_model_fps",
            "pipeline_fps",
            "pipeline_vs_bare_ratio",
            "alert_latency_p50_ms",
            "alert_latency_p99_ms",
            "cameras_at_2fps",
            "motion_skip_fraction",
            "rss_mb")
        .containsEntry("pipeline_vs_bare_ratio", 0.9)
        .containsEntry("alert_latency_p99_ms", null);
    assertThat(Bench.json(r)).contains("\"alert_latency_p50_ms\":null");
  }

  @Test
  void shouldShowTheSlowModelPhaseBesideTheBaselineInTheJsonAndTheTable() {
    Map<String, Object> slow = new java.util.LinkedHashMap<>();
    slow.put("delay_ms", 2000L);
    slow.put("pipeline_fps", 40.5);
    slow.put("pipeline_fps_without", 41.0);
    slow.put("alert_latency_p50_ms", 310L);
    slow.put("alert_latency_p99_ms", 900L);
    slow.put("alert_latency_p50_ms_without", 300L);
    slow.put("alert_latency_p99_ms_without", 880L);
    slow.put("vlm_calls_made", 90L);
    slow.put("vlm_calls_dropped", 12L);
    BenchReport r = new BenchReport(50, 41, 0.82, 300, 880, 12, 0.5, 900, Map.of(), slow);

    assertThat(r.all().keySet()).endsWith("slow_model", "details");
    assertThat(Bench.json(r)).contains("\"slow_model\":{\"delay_ms\":2000,");
    assertThat(r.table())
        .contains(
            "slow_model_2000ms            pipeline 40.5 fps (without 41.0), other prompt p50/p99"
                + " 310/900 ms (without 300/880), calls made 90, dropped 12");
  }

  @Test
  void shouldPrintTheRatioInOneProcessBesideTheHeadline() {
    Map<String, Object> details =
        Map.of("throughput", Map.of("ratio_in_one_process", 0.889, "window_ratios", List.of(0.9)));
    BenchReport r = new BenchReport(50, 45, 0.914, 70, 95, 96, 0.7, 900, details, null);

    assertThat(r.table())
        .contains("pipeline_vs_bare_ratio       0.914")
        .contains("throughput windows")
        .contains("ratio_in_one_process       0.889");
  }

  @Test
  void shouldLeaveTheSlowModelOutOfARunWithoutIt() {
    BenchReport r = new BenchReport(50, 41, 0.82, 300, 880, 12, 0.5, 900, Map.of(), null);

    assertThat(r.all()).doesNotContainKey("slow_model");
    assertThat(r.table()).doesNotContain("slow_model");
  }
}
