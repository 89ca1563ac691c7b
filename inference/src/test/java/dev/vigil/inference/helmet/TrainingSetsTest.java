package dev.vigil.inference.helmet;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TrainingSetsTest {

  @Test
  void shouldGroupFramesOfOneClipTogetherSoNoClipIsSplitAcrossTrainAndTest() {
    assertThat(TrainingSets.clipOf("clinic_1-11.jpg")).isEqualTo("clinic_1");
    assertThat(TrainingSets.clipOf("clinic_1-100.jpg")).isEqualTo("clinic_1");
    assertThat(TrainingSets.clipOf("clinic_frame_10500.jpg")).isEqualTo("clinic_frame");
    assertThat(TrainingSets.clipOf("clinic_4.jpg")).isEqualTo("clinic");
    assertThat(TrainingSets.clipOf("lobby.jpg")).isEqualTo("lobby");
  }
}
