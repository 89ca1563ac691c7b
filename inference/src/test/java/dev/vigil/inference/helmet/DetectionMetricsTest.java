package dev.vigil.inference.helmet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.config.Box;
import java.util.List;
import org.junit.jupiter.api.Test;

class DetectionMetricsTest {

  private static final Box A = new Box(0, 0, 0.2, 0.2);
  private static final Box B = new Box(0.5, 0.5, 0.7, 0.7);
  private static final Box C = new Box(0.8, 0.8, 1, 1);
  private static final Box D = new Box(0.1, 0.1, 0.3, 0.3);
  private static final Box NOWHERE = new Box(0.3, 0, 0.4, 0.1);

  private static DetectionMetrics twoImages() {
    DetectionMetrics m = new DetectionMetrics();
    // Image 1: A found and right, B found but judged wrong, C missed, one false positive.
    m.add(
        List.of(
            new HeadPrediction(A, 0.9, true),
            new HeadPrediction(B, 0.8, true),
            new HeadPrediction(NOWHERE, 0.7, false)),
        List.of(new LabelledHead(A, true), new LabelledHead(B, false), new LabelledHead(C, true)));
    // Image 2: D found but unknown; an extra bare head predicted nowhere.
    m.add(
        List.of(new HeadPrediction(D, 0.6, null), new HeadPrediction(NOWHERE, 0.2, false)),
        List.of(new LabelledHead(D, false)));
    return m;
  }

  @Test
  void shouldComputeExactFiguresWhenGivenHandMadeBoxes() {
    DetectionMetrics.Report r = twoImages().report(4.0);

    // 5 predictions, 4 labels, 3 matches.
    assertThat(r.headPrecision()).isEqualTo(3.0 / 5);
    assertThat(r.headRecall()).isEqualTo(3.0 / 4);
    assertThat(r.headF1()).isCloseTo(2 * 0.6 * 0.75 / 1.35, within(1e-12));
    // A right; B wrong; D unknown counts as wrong.
    assertThat(r.helmetAccuracy()).isEqualTo(1.0 / 3);
    // Image 1: helmets 2 vs 2, bare 1 vs 1. Image 2: helmets 0 vs 0, bare 1 vs 1.
    assertThat(r.countMaeHelmet()).isZero();
    assertThat(r.countMaeNoHelmet()).isZero();
    assertThat(r.imagesPerSecond()).isEqualTo(0.5);
    assertThat(r.images()).isEqualTo(2);
  }

  @Test
  void shouldCountErrorsPerImageWhenCountsDiffer() {
    DetectionMetrics m = new DetectionMetrics();
    m.add(List.of(), List.of(new LabelledHead(A, true), new LabelledHead(B, true)));
    m.add(
        List.of(new HeadPrediction(A, 1, false), new HeadPrediction(B, 1, false)),
        List.of(new LabelledHead(A, true)));
    m.add(List.of(new HeadPrediction(C, 1, null)), List.of());

    DetectionMetrics.Report r = m.report(0);

    assertThat(r.countMaeHelmet()).isEqualTo((2 + 1 + 0) / 3.0);
    assertThat(r.countMaeNoHelmet()).isEqualTo((0 + 2 + 0) / 3.0);
    assertThat(r.helmetAccuracy()).isZero();
    assertThat(r.imagesPerSecond()).isZero();
  }

  @Test
  void shouldReportZerosWhenNothingWasAdded() {
    DetectionMetrics.Report r = new DetectionMetrics().report(1);

    assertThat(r.headF1()).isZero();
    assertThat(r.images()).isZero();
  }

  @Test
  void shouldWriteOneJsonObjectWithTheEightKeysWhenAskedForJson() throws Exception {
    String json = twoImages().report(4.0).toJson();

    assertThat(json).doesNotContain("\n");
    JsonNode node = new ObjectMapper().readTree(json);
    assertThat(node.fieldNames())
        .toIterable()
        .containsExactly(
            "head_precision",
            "head_recall",
            "head_f1",
            "helmet_accuracy",
            "count_mae_helmet",
            "count_mae_no_helmet",
            "images_per_second",
            "images");
    assertThat(node.get("head_precision").asDouble()).isEqualTo(0.6);
    assertThat(node.get("images").asInt()).isEqualTo(2);
  }
}
