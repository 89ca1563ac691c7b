package dev.vigil.inference.helmet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.vigil.inference.SlowToStartAnalyzer;
import dev.vigil.inference.vision.PersonPerception;
import java.util.List;
import org.junit.jupiter.api.Test;

class EvaluatorTest {

  /** The first eight images of the validation split: a small, fixed slice. */
  private static List<VocImage> slice() {
    return VocDataset.read(SharedData.hardhat(), VocDataset.Split.VALIDATION).subList(0, 8);
  }

  @Test
  void shouldGiveExactFiguresWhenEvaluatingFixedSlice() {
    List<VocImage> images = slice();
    DetectionMetrics.Report first;
    DetectionMetrics.Report second;
    try (PersonPerception perception = Perception.full()) {
      Evaluator evaluator = new Evaluator(perception);
      first = evaluator.evaluate(images);
      second = evaluator.evaluate(images);
    }

    System.out.println("EvaluatorTest slice: " + first.toJson());
    assertThat(first.images()).isEqualTo(8);
    assertThat(first.imagesPerSecond()).isPositive();
    // Perception is deterministic: a second pass gives the same figures, speed aside.
    assertThat(second.headPrecision()).isEqualTo(first.headPrecision());
    assertThat(second.headRecall()).isEqualTo(first.headRecall());
    assertThat(second.helmetAccuracy()).isEqualTo(first.helmetAccuracy());
    assertThat(second.countMaeHelmet()).isEqualTo(first.countMaeHelmet());
    assertThat(second.countMaeNoHelmet()).isEqualTo(first.countMaeNoHelmet());
    // Heads from the head detector on the pose model's features, with the committed weights.
    assertThat(first.headPrecision()).isEqualTo(14.0 / 18);
    assertThat(first.headRecall()).isEqualTo(14.0 / 23);
    assertThat(first.headF1())
        .isCloseTo(2 * (14.0 / 18) * (14.0 / 23) / (14.0 / 18 + 14.0 / 23), within(1e-12));
    // The classifier alone judges (issue 16), abstaining inside its tune-chosen band: 10 of the 14
    // matched heads judged right (an unknown counts as not right).
    assertThat(first.helmetAccuracy()).isEqualTo(10.0 / 14);
    assertThat(first.countMaeHelmet()).isEqualTo(13.0 / 8);
    assertThat(first.countMaeNoHelmet()).isEqualTo(3.0 / 8);
  }

  @Test
  void shouldLeaveTheFirstCallsOneOffCostOutOfTheSpeed() {
    List<VocImage> images = slice().subList(0, 2);
    SlowToStartAnalyzer slowToStart = new SlowToStartAnalyzer();

    DetectionMetrics.Report report =
        new Evaluator(slowToStart, slowToStart::nanoTime).evaluate(images);

    // One untimed call, then one timed call per image: 2 images in 2 ms.
    assertThat(slowToStart.calls()).isEqualTo(3);
    assertThat(report.imagesPerSecond()).isCloseTo(1000, within(1e-6));
  }
}
