package dev.vigil.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AgentCommandTest {
  @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir;

  private static String run(int expected, String... args) {
    CliRun run = CliRun.of(args);
    assertThat(run.exit()).isEqualTo(expected);
    return run.err();
  }

  /** A site.yaml of site plant-1, on a Kafka nobody listens at, with the {@code cameras} given. */
  private java.nio.file.Path siteFile(String cameras) throws java.io.IOException {
    return java.nio.file.Files.writeString(
        dir.resolve("site.yaml"),
        "site: plant-1\nkafka:\n  bootstrap_servers: 127.0.0.1:1\ncameras:\n" + cameras);
  }

  @Test
  void shouldRefuseAnOpenHttpServerOffLoopbackNamingTheTokenToSet() throws Exception {
    java.nio.file.Path site = siteFile("  - id: cam-1\n    source: clip.mp4\n");
    for (String command : new String[] {"agent", "processor"}) {
      assertThat(run(2, command, "--config", site.toString(), "--http-host", "0.0.0.0"))
          .as(command)
          .contains("--http-host 0.0.0.0 is not a loopback address")
          .contains("http.token")
          .contains("VIGIL_HTTP_TOKEN");
    }
  }

  @Test
  void shouldCaptureOnlyTheCamerasNamedAndRefuseAnUnknownOneNamingTheOthers() throws Exception {
    java.nio.file.Path file =
        siteFile("  - id: dock-1\n    source: a.mp4\n  - id: dock-2\n    source: b.mp4\n");
    dev.vigil.config.SiteConfig site = dev.vigil.config.SiteConfigLoader.load(file);

    assertThat(AgentCommand.select(site, java.util.List.of("dock-2"), "site.yaml").cameras())
        .extracting(dev.vigil.config.SiteConfig.Camera::id)
        .containsExactly("dock-2");
    assertThat(AgentCommand.select(site, java.util.List.of(), "site.yaml").cameras()).hasSize(2);
    assertThat(run(2, "agent", "--config", file.toString(), "--camera", "dock-3"))
        .contains("--camera dock-3:")
        .contains("has no such camera; it has dock-1, dock-2");
  }

  @Test
  void shouldPaceFilesToTheirOwnClockWhenAskedToLoopThem() {
    AgentCommand command = new AgentCommand();
    new picocli.CommandLine(command).parseArgs("--config", "site.yaml", "--loop");

    assertThat(command.agentOptions().loop()).isTrue();
    assertThat(command.agentOptions().realtime()).isTrue();
  }

  @Test
  void shouldRefuseASpoolWithNoRoomWithExitTwoAndSayWhy() {
    assertThat(run(2, "agent", "--config", "site.yaml", "--spool-max-mb", "0"))
        .contains("--spool-max-mb must be at least 1, not 0");
  }
}
