package dev.vigil.inference.helmet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.vigil.config.Box;
import java.util.List;
import org.junit.jupiter.api.Test;

class HeadMatcherTest {

  private static final LabelledHead TRUTH = new LabelledHead(new Box(0, 0, 0.4, 0.4), true);

  @Test
  void shouldGiveTruthToMostConfidentPredictionWhenTwoOverlapIt() {
    HeadPrediction confidentButLoose = new HeadPrediction(new Box(0.1, 0.1, 0.5, 0.5), 0.9, true);
    HeadPrediction exactButUnsure = new HeadPrediction(new Box(0, 0, 0.4, 0.4), 0.5, true);

    List<HeadMatcher.Match> matches =
        HeadMatcher.match(List.of(exactButUnsure, confidentButLoose), List.of(TRUTH));

    assertThat(matches).hasSize(1);
    assertThat(matches.get(0).prediction()).isEqualTo(1);
    assertThat(matches.get(0).truth()).isZero();
    // 0.3 x 0.3 over 0.16 + 0.16 - 0.09
    assertThat(matches.get(0).iou()).isCloseTo(0.09 / 0.23, within(1e-12));
  }

  @Test
  void shouldPickBestOverlappingTruthWhenPredictionCoversTwo() {
    LabelledHead left = new LabelledHead(new Box(0, 0, 0.2, 0.2), true);
    LabelledHead right = new LabelledHead(new Box(0.15, 0, 0.35, 0.2), false);
    HeadPrediction p = new HeadPrediction(new Box(0.14, 0, 0.34, 0.2), 0.8, false);

    List<HeadMatcher.Match> matches = HeadMatcher.match(List.of(p), List.of(left, right));

    assertThat(matches).extracting(HeadMatcher.Match::truth).containsExactly(1);
  }

  @Test
  void shouldNotMatchWhenOverlapIsBelowThreshold() {
    // IoU = 0.04 / (0.16 + 0.16 - 0.04) = 0.143
    HeadPrediction far = new HeadPrediction(new Box(0.2, 0.2, 0.6, 0.6), 1.0, true);
    // IoU = 0.32 / 0.4 = 0.8 at threshold 0.3; none at 0.9
    HeadPrediction near = new HeadPrediction(new Box(0, 0, 0.4, 0.32), 0.1, true);

    assertThat(HeadMatcher.match(List.of(far), List.of(TRUTH))).isEmpty();
    assertThat(HeadMatcher.match(List.of(far, near), List.of(TRUTH)))
        .extracting(HeadMatcher.Match::prediction)
        .containsExactly(1);
    assertThat(HeadMatcher.match(List.of(near), List.of(TRUTH), 0.9)).isEmpty();
  }

  @Test
  void shouldMatchNothingWhenEitherSideIsEmpty() {
    assertThat(HeadMatcher.match(List.of(), List.of(TRUTH))).isEmpty();
    assertThat(
            HeadMatcher.match(
                List.of(new HeadPrediction(new Box(0, 0, 0.4, 0.4), 1, true)), List.of()))
        .isEmpty();
  }
}
