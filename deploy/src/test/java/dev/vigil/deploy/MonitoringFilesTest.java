package dev.vigil.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.alerts.AlertsHealth;
import dev.vigil.alerts.AlertsMetrics;
import dev.vigil.processor.dashboard.VigilMetrics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The Prometheus rules and the Grafana dashboard name only metrics that Vigil's services serve:
 * every name is looked up in what the processor's, the agent's and the alerts' /metrics render
 * (their own renderers, with no traffic: every family is declared even without samples). Where
 * Debian's promtool is installed, the rules file must also pass {@code promtool check rules}.
 */
class MonitoringFilesTest {
  private static final Path RULES = Path.of("prometheus/vigil-rules.yaml");
  private static final Path GRAFANA = Path.of("grafana/vigil.json");
  private static final Pattern NAME = Pattern.compile("\\bvigil_[a-z_]+");
  private static final Pattern TYPE = Pattern.compile("(?m)^# TYPE (vigil_[a-z_]+) ");

  private static Set<String> served() {
    String all =
        new VigilMetrics().render()
            + AgentMetrics.render(Map.of(), null)
            + new AlertsMetrics().render()
            + AlertsHttp.gauges(new AlertsHealth(true, true, Map.of()));
    Set<String> names = new TreeSet<>();
    Matcher m = TYPE.matcher(all);
    while (m.find()) {
      names.add(m.group(1));
    }
    return names;
  }

  private static Set<String> named(Path file) throws Exception {
    Set<String> names = new TreeSet<>();
    Matcher m = NAME.matcher(Files.readString(file, StandardCharsets.UTF_8));
    while (m.find()) {
      names.add(m.group().replaceAll("_(bucket|sum|count)$", ""));
    }
    return names;
  }

  @Test
  void shouldNameOnlyMetricsThatTheServicesServe() throws Exception {
    Set<String> served = served();
    assertThat(served).contains("vigil_frames_in_total", "vigil_dead_letters_total");
    for (Path file : new Path[] {RULES, GRAFANA}) {
      Set<String> named = named(file);
      assertThat(named).as(file + " names metrics").isNotEmpty();
      assertThat(served).as("metrics named in " + file).containsAll(named);
    }
  }

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
