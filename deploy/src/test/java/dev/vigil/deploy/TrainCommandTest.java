package dev.vigil.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TrainCommandTest {

  @Test
  void shouldRefuseAHeadDetectorFolderWithoutWeightsWithExitTwoNamingTheOption(@TempDir Path dir)
      throws Exception {
    Path dataset = Files.createDirectory(dir.resolve("voc"));
    Path detector = Files.createDirectory(dir.resolve("no-detector"));

    CliRun run = trainHelmet(dataset, dir.resolve("out"), "--head-detector", detector.toString());

    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err())
        .contains("vigil train helmet: --head-detector " + detector)
        .contains("head-detector.json");
    assertThat(dir.resolve("out")).doesNotExist();
  }

  @ParameterizedTest
  @CsvSource({"helmet", "heads"})
  void shouldRefuseAnExtraFolderThatIsNotThereBeforeTraining(String model, @TempDir Path dir)
      throws Exception {
    Path dataset = Files.createDirectory(dir.resolve("voc"));
    Path missing = dir.resolve("no-such-folder");

    CliRun run =
        CliRun.of(
            List.of("train", model, "--dataset", dataset.toString(), "--out", dir + "/out"),
            "--extra",
            missing.toString());

    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err()).contains("--extra " + missing + " is not a folder");
    assertThat(dir.resolve("out")).doesNotExist();
  }

  @ParameterizedTest
  @CsvSource({"--grey-share, 15, 15.0", "--loose-share, 2, 2.0"})
  void shouldRefuseAShareAboveOneWithExitTwoNamingTheOption(
      String option, String value, String shown, @TempDir Path dir) throws Exception {
    Path dataset = Files.createDirectory(dir.resolve("voc"));

    CliRun run = trainHelmet(dataset, dir.resolve("out"), option, value);

    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err()).contains(option + " must be in [0, 1], not " + shown);
    assertThat(dir.resolve("out")).doesNotExist();
  }

  @Test
  void shouldPassTheTrainerLogThroughAndShowEpochProgressOnStderrWhenTraining() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream errStream = new PrintStream(err, true, StandardCharsets.UTF_8);
    long[] clock = {0};
    PrintStream log =
        new PrintStream(
            new TrainCommand.EpochProgress(
                2,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                () -> new Progress("train helmet", 2, "epochs", errStream, false, () -> clock[0])),
            true,
            StandardCharsets.UTF_8);

    log.printf("helmet: 1200 crops, 300 validation%n");
    clock[0] += 30_000_000_000L;
    log.printf("helmet: epoch %d/%d train loss %.4f%n", 1, 2, 0.5);
    clock[0] += 30_000_000_000L;
    log.printf("helmet: epoch %d/%d train loss %.4f%n", 2, 2, 0.25);
    log.print("helmet: wrote weights");
    log.close();

    assertThat(out.toString(StandardCharsets.UTF_8))
        .isEqualTo(
            String.join(
                "\n",
                "helmet: 1200 crops, 300 validation",
                "helmet: epoch 1/2 train loss 0.5000",
                "helmet: epoch 2/2 train loss 0.2500",
                "helmet: wrote weights",
                ""));
    assertThat(err.toString(StandardCharsets.UTF_8))
        .isEqualTo(
            "train helmet: 1/2 epochs (50%), about 30s left\n"
                + "train helmet: 2/2 epochs (100%), done in 1m00s\n");
  }

  /** {@code vigil train helmet --dataset DATASET --out OUT} and {@code more}. */
  private static CliRun trainHelmet(Path dataset, Path out, String... more) {
    return CliRun.of(
        List.of("train", "helmet", "--dataset", dataset.toString(), "--out", out.toString()), more);
  }
}
