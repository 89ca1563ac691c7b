package dev.vigil.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class DemoCommandTest {

  @TempDir Path dir;

  @Test
  void shouldAddTheHelmetWearingCameraWhenItsClipExists() throws Exception {
    Path bare = dir.resolve("vtest.avi");
    Path helmet = Files.createFile(dir.resolve("worker-zone-detection.mp4"));
    List<String> notes = new ArrayList<>();

    List<String> sources = DemoCommand.defaultSources(bare, helmet, notes::add);

    assertThat(sources).containsExactly(bare.toString(), helmet.toString());
    assertThat(notes).isEmpty();
  }

  @Test
  void shouldPlayTheBareClipAloneAndSayWhyWhenTheHelmetClipIsMissing() {
    Path bare = dir.resolve("vtest.avi");
    Path helmet = dir.resolve("missing.mp4");
    List<String> notes = new ArrayList<>();

    List<String> sources = DemoCommand.defaultSources(bare, helmet, notes::add);

    assertThat(sources).containsExactly(bare.toString());
    assertThat(notes).singleElement().asString().contains("missing.mp4").contains("vtest.avi");
  }

  @Test
  void shouldPlayFilesAtTheirPaceAndOverAgainUnlessExitingWhenDone() {
    DemoCommand live = new DemoCommand();
    new CommandLine(live).parseArgs();
    DemoCommand once = new DemoCommand();
    new CommandLine(once).parseArgs("--exit-when-done");

    assertThat(live.agentOptions().realtime()).isTrue();
    assertThat(live.agentOptions().loop()).isTrue();
    assertThat(once.agentOptions().realtime()).isFalse();
    assertThat(once.agentOptions().loop()).isFalse();
  }

  @Test
  void shouldLookForTheHelmetClipInTheSharedDataBesideTheRepository() {
    assertThat(DemoCommand.HELMET_SAMPLE.toString().replace('\\', '/'))
        .isEqualTo("../shared/data/video/worker-zone-detection.mp4");
  }
}
