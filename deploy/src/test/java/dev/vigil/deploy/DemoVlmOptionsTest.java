package dev.vigil.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code vigil demo --vlm-url/--vlm-model}: bad input exits 2 with one line, before any broker. */
class DemoVlmOptionsTest {
  @TempDir Path dir;

  private String fails(String... vlmArgs) throws Exception {
    Path clip = Files.writeString(dir.resolve("clip.mp4"), "x");
    String[] args = new String[vlmArgs.length + 3];
    args[0] = "demo";
    args[1] = "--source";
    args[2] = clip.toString();
    System.arraycopy(vlmArgs, 0, args, 3, vlmArgs.length);
    PrintStream err = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      assertThat(VigilCli.execute(args)).isEqualTo(2);
    } finally {
      System.setErr(err);
    }
    return captured.toString(StandardCharsets.UTF_8).strip();
  }

  @Test
  void shouldRefuseAUrlThatIsNotHttp() throws Exception {
    assertThat(fails("--vlm-url", "ftp://models/v1", "--vlm-model", "m"))
        .isEqualTo(
            "vigil demo: --vlm-url ftp://models/v1: use an http:// or https:// API base such as"
                + " http://127.0.0.1:11434/v1");
  }

  @Test
  void shouldRefuseAUrlWithoutAModel() throws Exception {
    assertThat(fails("--vlm-url", "http://127.0.0.1:11434/v1"))
        .isEqualTo(
            "vigil demo: --vlm-url and --vlm-model go together: give the endpoint and the model"
                + " name");
  }

  @Test
  void shouldNameVlmUrlWhenAPromptIsOutsideTheLanguageAndNoModelIsGiven() throws Exception {
    assertThat(fails("--prompt", "is the fire exit blocked?"))
        .startsWith("vigil demo: prompt refused: ")
        .contains("set vlm.base_url (and vlm.model) in site.yaml, or `vigil demo --vlm-url URL");
  }
}
