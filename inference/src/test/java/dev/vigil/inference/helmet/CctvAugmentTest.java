package dev.vigil.inference.helmet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import org.junit.jupiter.api.Test;

class CctvAugmentTest {

  private static final int S = 24;

  /** A crop of one saturated colour: the cue of a hard hat that augmentation may erase. */
  private static float[] orangeCrop() {
    float[] crop = new float[S * S * 3];
    for (int i = 0; i < crop.length; i += 3) {
      crop[i] = 0.9f;
      crop[i + 1] = 0.45f;
      crop[i + 2] = 0.1f;
    }
    return crop;
  }

  @Test
  void shouldKeepTheHueOfEveryCropWhenGreyscaleIsOff() {
    Random random = new Random(5);
    for (int n = 0; n < 40; n++) {
      float[] crop = orangeCrop();
      CctvAugment.apply(crop, 0, S, 0.15, new CctvAugment.Colour(0, 0.05), random);
      for (int i = 0; i < crop.length; i += 3) {
        assertThat(crop[i]).as("red of crop %d", n).isGreaterThan(crop[i + 1]);
        assertThat(crop[i + 1]).as("green of crop %d", n).isGreaterThan(crop[i + 2]);
      }
    }
  }

  @Test
  void shouldTurnEveryCropGreyWhenTheGreyShareIsOne() {
    float[] crop = orangeCrop();
    CctvAugment.apply(crop, 0, S, 0.15, new CctvAugment.Colour(1, 0.12), new Random(5));
    for (int i = 0; i < crop.length; i += 3) {
      assertThat(crop[i]).isEqualTo(crop[i + 1]).isEqualTo(crop[i + 2]);
    }
  }

  @Test
  void shouldRefuseAGreyShareOrCastOutOfRange() {
    assertThatThrownBy(() -> new CctvAugment.Colour(1.5, 0.1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("greyscale share");
    assertThatThrownBy(() -> new CctvAugment.Colour(0.1, -0.1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("colour cast");
  }
}
