package dev.vigil.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class AgentCommandTest {

  @Test
  void shouldRefuseASpoolWithNoRoomWithExitTwoAndSayWhy() {
    PrintStream err = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    int code;
    try {
      code = VigilCli.execute("agent", "--config", "site.yaml", "--spool-max-mb", "0");
    } finally {
      System.setErr(err);
    }

    assertThat(code).isEqualTo(2);
    assertThat(captured.toString(StandardCharsets.UTF_8))
        .contains("--spool-max-mb must be at least 1, not 0");
  }
}
