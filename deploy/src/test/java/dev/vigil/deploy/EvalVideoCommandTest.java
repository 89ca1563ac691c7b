package dev.vigil.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.config.Json;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code vigil eval --video}: bad clips are reported per clip, bad truth files fail clearly. */
class EvalVideoCommandTest {
  private static final Path SHARED =
      Path.of(System.getProperty("vigil.shared.data", "../shared/data"));

  private static CliRun eval(String... args) {
    return CliRun.of(List.of("eval"), args);
  }

  @Test
  void shouldReportAnUndecodableClipAndGoOnWithTheOthers(@TempDir Path dir) throws Exception {
    Path real = SHARED.resolve("video/people-detection.mp4").toAbsolutePath();
    assumeTrue(Files.isRegularFile(real), "shared data absent: " + real);
    Files.createSymbolicLink(dir.resolve("b-good.mp4"), real);
    Files.write(dir.resolve("a-broken.mp4"), "not a video at all".getBytes(StandardCharsets.UTF_8));

    CliRun run = eval("--video", dir.toString(), "--json");

    assertThat(run.exit()).as(run.err()).isZero();
    JsonNode clips = Json.mapper().readTree(run.lastLine()).get("clips");
    assertThat(clips).hasSize(2);
    assertThat(clips.get(0).get("file").asText()).isEqualTo("a-broken.mp4");
    assertThat(clips.get(0).get("frames").asInt()).isZero();
    assertThat(clips.get(0).get("error").asText()).contains("a-broken.mp4");
    assertThat(clips.get(1).get("file").asText()).isEqualTo("b-good.mp4");
    assertThat(clips.get(1).get("frames").asInt()).isPositive();
    assertThat(clips.get(1).has("error")).isFalse();
    assertThat(run.out()).contains("error:");
  }

  @Test
  void shouldRefuseATruthRowThatNamesNoClipNamingFileAndLine(@TempDir Path dir) throws Exception {
    Files.write(dir.resolve("clip.mp4"), new byte[] {1});
    Path truth =
        Files.writeString(
            dir.resolve("truth.csv"), "file,helmet_share\nclip.mp4,0\nnosuch.mp4,1\n");

    CliRun run = eval("--video", dir.toString(), "--truth", truth.toString());

    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err().lines().toList())
        .singleElement()
        .asString()
        .contains("vigil eval: " + truth + ":3:")
        .contains("'nosuch.mp4' names no clip")
        .contains("expected a clip file name");
  }

  @Test
  void shouldRefuseATruthValueThatIsNotANumberNamingFileLineAndWhatWasExpected(@TempDir Path dir)
      throws Exception {
    Files.write(dir.resolve("clip.mp4"), new byte[] {1});
    Path truth = Files.writeString(dir.resolve("truth.csv"), "file,helmet_share\nclip.mp4,none\n");

    CliRun run = eval("--video", dir.toString(), "--truth", truth.toString());

    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err())
        .contains(truth + ":2: helmet_share 'none' is not a number from 0 to 1")
        .contains("file,helmet_share");
  }

  @Test
  void shouldRefuseAPerFrameCountThatIsNotANumber(@TempDir Path dir) throws Exception {
    Files.write(dir.resolve("clip.mp4"), new byte[] {1});
    Path truth =
        Files.writeString(
            dir.resolve("counts.csv"),
            "file,t_s,helmet,no_helmet\nclip.mp4,0.5,1,2\nclip.mp4,1,x,0\n");

    CliRun run = eval("--video", dir.toString(), "--truth", truth.toString());

    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err()).contains(truth + ":3: helmet 'x' is not a number of at least 0");
  }

  @Test
  void shouldRefuseDatasetAndVideoTogether(@TempDir Path dir) {
    CliRun run = eval("--video", dir.toString(), "--dataset", dir.toString());

    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err()).contains("either --dataset DIR or --video FILE|DIR");
  }

  @Test
  void shouldRefuseToChooseTheBandOnVideoClipsWhichAreTest(@TempDir Path dir) {
    CliRun run = eval("--video", dir.toString(), "--choose-band");

    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err()).contains("--choose-band chooses on the tune images of --dataset");
  }

  @Test
  void shouldRefuseBarePeopleWithoutChooseBandRatherThanIgnoreIt(@TempDir Path dir) {
    CliRun run = eval("--dataset", dir.toString(), "--bare-people", dir.toString());

    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err()).contains("--extra and --bare-people go with --choose-band");
  }

  @Test
  void shouldRefuseDumpHeadsWithADatasetWithExitTwoNamingTheOption(@TempDir Path dir) {
    CliRun run = eval("--dataset", dir.toString(), "--dump-heads", dir.resolve("heads").toString());

    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err()).contains("--dump-heads go with --video, not --dataset");
    assertThat(dir.resolve("heads")).doesNotExist();
  }
}
