package dev.vigil.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code vigil demo --vlm-url/--vlm-model}: bad input exits 2 with one line, before any broker. */
class DemoVlmOptionsTest {
  @TempDir Path dir;

  private String fails(String... vlmArgs) throws Exception {
    Path clip = Files.writeString(dir.resolve("clip.mp4"), "x");
    return CliRun.of(List.of("demo", "--source", clip.toString()), vlmArgs).usageError();
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
