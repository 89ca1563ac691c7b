package dev.vigil.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.deploy.bench.Bench;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code vigil bench --vlm-delay-ms}: the slow-model phase's option, checked before any broker. */
class BenchVlmOptionsTest {
  @TempDir Path dir;

  private Bench.Options parse(String... args) throws Exception {
    Files.writeString(dir.resolve("clip.mp4"), "x");
    String[] all = new String[args.length + 2];
    all[0] = "--footage";
    all[1] = dir.toString();
    System.arraycopy(args, 0, all, 2, args.length);
    BenchCommand command = CommandLine.populateCommand(new BenchCommand(), all);
    return command.options(dir.resolve("work"));
  }

  private String fails(String... args) throws Exception {
    Files.writeString(dir.resolve("clip.mp4"), "x");
    return CliRun.of(List.of("bench", "--footage", dir.toString()), args).usageError();
  }

  @Test
  void shouldRunTheSlowModelPhaseWithTheGivenDelay() throws Exception {
    Bench.Options o = parse("--vlm-delay-ms", "2000");

    assertThat(o.vlmDelay()).isEqualTo(Duration.ofSeconds(2));
    assertThat(Bench.phases(o)).isEqualTo(Bench.PHASES + 1);
  }

  @Test
  void shouldLeaveTheSlowModelPhaseOutWithoutTheOption() throws Exception {
    Bench.Options o = parse();

    assertThat(o.vlmDelay()).isNull();
    assertThat(Bench.phases(o)).isEqualTo(Bench.PHASES);
  }

  @Test
  void shouldRefuseANegativeDelay() throws Exception {
    assertThat(fails("--vlm-delay-ms", "-1"))
        .isEqualTo(
            "vigil bench: --vlm-delay-ms must be in 0..590000 (how long the stand-in model takes"
                + " per call), got -1");
  }

  @Test
  void shouldRefuseADelayThatIsNotANumber() throws Exception {
    assertThat(fails("--vlm-delay-ms", "2s")).contains("--vlm-delay-ms").contains("'2s'");
  }
}
