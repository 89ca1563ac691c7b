package dev.vigil.inference.helmet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class CalibrationTest {

  @Test
  void shouldFindTheTemperatureThatUndoesOverconfidentLogits() {
    // Items whose true helmet odds are sigmoid(z) but whose logits were doubled: T should be ~2.
    int n = 2000;
    float[] logits = new float[n];
    float[] labels = new float[n];
    java.util.Random r = new java.util.Random(3);
    for (int i = 0; i < n; i++) {
      double z = r.nextGaussian() * 2;
      labels[i] = r.nextDouble() < 1 / (1 + Math.exp(-z)) ? 1 : 0;
      logits[i] = (float) (2 * z);
    }

    double t = Calibration.fitTemperature(logits, labels, n);

    assertThat(t).isCloseTo(2, within(0.3));
    assertThat(Calibration.ece(logits, labels, n, t))
        .isLessThan(Calibration.ece(logits, labels, n, 1));
  }

  @Test
  void shouldWeighEachBinsGapByItsItems() {
    // Two items at p = 0.9 (one helmet) and two at p = 0.1 (no helmets): |0.9 - 0.5| / 2 + 0.1 / 2.
    float z = (float) Math.log(9);
    float[] logits = {z, z, -z, -z};
    float[] labels = {1, 0, 0, 0};

    assertThat(Calibration.ece(logits, labels, 4, 1)).isCloseTo(0.25, within(1e-6));
  }
}
