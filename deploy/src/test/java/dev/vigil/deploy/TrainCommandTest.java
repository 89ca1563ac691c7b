package dev.vigil.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainCommandTest {

  @Test
  void shouldRefuseAHeadDetectorFolderWithoutWeightsWithExitTwoNamingTheOption(@TempDir Path dir)
      throws Exception {
    Path dataset = Files.createDirectory(dir.resolve("voc"));
    Path detector = Files.createDirectory(dir.resolve("no-detector"));
    PrintStream err = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    int code;
    try {
      code =
          VigilCli.execute(
              "train",
              "helmet",
              "--dataset",
              dataset.toString(),
              "--out",
              dir.resolve("out").toString(),
              "--head-detector",
              detector.toString());
    } finally {
      System.setErr(err);
    }

    assertThat(code).isEqualTo(2);
    assertThat(captured.toString(StandardCharsets.UTF_8))
        .contains("vigil train helmet: --head-detector " + detector)
        .contains("head-detector.json");
    assertThat(dir.resolve("out")).doesNotExist();
  }
}
