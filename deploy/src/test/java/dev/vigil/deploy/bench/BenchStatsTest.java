package dev.vigil.deploy.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

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

  @Test
  void shouldKeepUpWhenLagHoversAroundAFewFrames() {
    double[] lag = {1, 0, 2, 1, 0, 3, 1, 0, 1, 2};
    assertThat(BenchStats.keptUp(SECONDS, lag, 8, 0, 3)).isTrue();
  }

  @Test
  void shouldNotKeepUpWhenLagGrows() {
    double[] lag = {0, 2, 4, 6, 8, 10, 12, 14, 16, 18};
    assertThat(BenchStats.keptUp(SECONDS, lag, 20, 0, 3)).isFalse();
  }

  @Test
  void shouldNotKeepUpWhenTheLagAtTheEndIsLargeEvenIfFlat() {
    double[] lag = {100, 100, 101, 99, 100, 100, 100, 101, 100, 100};
    assertThat(BenchStats.keptUp(SECONDS, lag, 10, 0, 3)).isFalse();
  }

  @Test
  void shouldNotKeepUpWhenTheAgentDroppedFrames() {
    double[] lag = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
    assertThat(BenchStats.keptUp(SECONDS, lag, 10, 1, 3)).isFalse();
  }

  @Test
  void shouldKeepUpWhileABacklogDrains() {
    double[] lag = {30, 26, 22, 18, 14, 10, 6, 3, 1, 0};
    assertThat(BenchStats.keptUp(SECONDS, lag, 10, 0, 3)).isTrue();
  }

  @Test
  void shouldWriteNullForNanInTheReport() {
    BenchReport r = new BenchReport(30, 27, Double.NaN, Double.NaN, 12, 0.5, 900, Map.of(), null);
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
    BenchReport r = new BenchReport(50, 41, 300, 880, 12, 0.5, 900, Map.of(), slow);

    assertThat(r.all().keySet()).endsWith("slow_model", "details");
    assertThat(Bench.json(r)).contains("\"slow_model\":{\"delay_ms\":2000,");
    assertThat(r.table())
        .contains(
            "slow_model_2000ms            pipeline 40.5 fps (without 41.0), other prompt p50/p99"
                + " 310/900 ms (without 300/880), calls made 90, dropped 12");
  }

  @Test
  void shouldLeaveTheSlowModelOutOfARunWithoutIt() {
    BenchReport r = new BenchReport(50, 41, 300, 880, 12, 0.5, 900, Map.of(), null);

    assertThat(r.all()).doesNotContainKey("slow_model");
    assertThat(r.table()).doesNotContain("slow_model");
  }
}
