package dev.vigil.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Where Debian's promtool is installed, the Prometheus rules file must pass {@code promtool check
 * rules}. That the rules and the Grafana dashboard name only served metrics is checked on running
 * services by {@link MonitoringScrapeIT}.
 */
class MonitoringFilesTest {
  private static final Path RULES = Path.of("prometheus/vigil-rules.yaml");

  @Test
  void shouldPassPromtoolWhereItIsInstalled() throws Exception {
    Path promtool = Path.of("/usr/bin/promtool");
    org.junit.jupiter.api.Assumptions.assumeTrue(
        Files.isExecutable(promtool), "promtool not installed (apt-get install prometheus)");
    Process p =
        new ProcessBuilder(promtool.toString(), "check", "rules", RULES.toString())
            .redirectErrorStream(true)
            .start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.exitValue()).as(out).isZero();
  }
}
