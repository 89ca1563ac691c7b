package dev.vigil.inference.helmet;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
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

  @Test
  void shouldBuildOnlyTheTuneSetForChoicesSoNoTestImageIsRead() {
    Path hardhat = SharedData.hardhat();
    Path extra = SharedData.root().resolve("construction-safety");
    java.util.List<Path> extras =
        java.nio.file.Files.isDirectory(extra) ? java.util.List.of(extra) : java.util.List.of();
    java.io.PrintStream quiet = new java.io.PrintStream(java.io.OutputStream.nullOutputStream());

    TrainingSets full =
        TrainingSets.of(
            new TrainingSets.Sources(hardhat, extras, java.util.List.of(), java.util.List.of()),
            VocDataset.Split.FIT,
            null,
            quiet);
    TrainingSets tune = TrainingSets.tuneOf(hardhat, extras, java.util.List.of(), null, quiet);

    assertThat(tune.train()).isEmpty();
    assertThat(tune.test()).isEmpty();
    assertThat(tune.tune())
        .extracting(VocImage::name)
        .containsExactlyElementsOf(full.tune().stream().map(VocImage::name).toList())
        .isNotEmpty();
  }
}
