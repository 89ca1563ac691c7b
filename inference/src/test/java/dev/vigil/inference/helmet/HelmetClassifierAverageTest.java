package dev.vigil.inference.helmet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.vigil.inference.InferenceException;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Several classifiers opened together answer with their mean probability. */
class HelmetClassifierAverageTest {

  @TempDir Path dir;

  private Path weights(String name, long seed, double margin) throws Exception {
    Path out = dir.resolve(name);
    new HelmetWeights(
            HelmetWeights.Kind.CLASSIFIER,
            48,
            margin,
            HelmetNet.initial(seed),
            new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode())
        .write(out);
    return out;
  }

  @Test
  void shouldAnswerTheMeanProbabilityOfItsMembers() throws Exception {
    Path a = weights("a", 1, 0.15);
    Path b = weights("b", 2, 0.15);
    float[] crops = new float[3 * 48 * 48 * 3];
    Random r = new Random(5);
    for (int i = 0; i < crops.length; i++) {
      crops[i] = r.nextFloat();
    }
    try (HelmetClassifier ca = HelmetClassifier.open(a);
        HelmetClassifier cb = HelmetClassifier.open(b);
        HelmetClassifier both = HelmetClassifier.open(List.of(a, b))) {
      float[] pa = ca.predictCrops(crops, 3);
      float[] pb = cb.predictCrops(crops, 3);
      float[] mean = both.predictCrops(crops, 3);
      for (int i = 0; i < 3; i++) {
        assertThat(mean[i]).isCloseTo((pa[i] + pb[i]) / 2, within(1e-5f));
      }
    }
  }

  @Test
  void shouldRefuseMembersThatCutDifferentCropsNamingBothMargins() throws Exception {
    Path a = weights("a", 1, 0.15);
    Path c = weights("c", 1, 0.3);

    assertThatThrownBy(() -> HelmetClassifier.open(List.of(a, c)))
        .isInstanceOf(InferenceException.class)
        .hasMessageContaining("margin 0.15")
        .hasMessageContaining("margin 0.3");
  }
}
