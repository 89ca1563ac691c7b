package dev.vigil.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code vlm:} section of site.yaml: the multimodal-model endpoint. */
class SiteConfigLoaderVlmTest {

  private static SiteConfig parse(String yaml, Map<String, String> env) {
    return SiteConfigLoader.parse(yaml, "site.yaml", env);
  }

  private static List<String> problems(String yaml) {
    try {
      SiteConfigLoader.parse(yaml, "site.yaml", Map.of());
    } catch (SiteConfigException e) {
      return e.problems();
    }
    throw new AssertionError("expected the config to be rejected");
  }

  /** A llava endpoint on localhost with {@code keyLine} saying where its API key comes from. */
  private static SiteConfig.Vlm llavaWith(String keyLine) {
    String yaml =
        """
        site: p
        vlm:
          base_url: http://localhost:8080/v1
          model: llava
          %s
        """
            .formatted(keyLine);
    return parse(yaml, Map.of()).vlm();
  }

  @Test
  void shouldHaveNoEndpointWhenTheSectionIsAbsent() {
    assertThat(parse("site: p\n", Map.of()).vlm()).isNull();
  }

  @Test
  void shouldApplyDefaultsWhenOnlyUrlAndModelAreGiven() {
    SiteConfig.Vlm v =
        parse(
                """
                site: p
                vlm:
                  base_url: http://127.0.0.1:11434/v1
                  model: qwen2.5vl:7b
                """,
                Map.of())
            .vlm();
    assertThat(v).isEqualTo(SiteConfig.Vlm.of("http://127.0.0.1:11434/v1", "qwen2.5vl:7b"));
    assertThat(v.apiKey()).isNull();
  }

  @Test
  void shouldReadEveryFieldAndTakeTheKeyFromTheNamedVariable() {
    SiteConfig.Vlm v =
        parse(
                """
                site: p
                vlm:
                  base_url: https://api.openai.com/v1
                  model: gpt-4o-mini
                  api_key_env: OPENAI_API_KEY
                  timeout_s: 12.5
                  max_concurrent: 4
                  min_interval_s: 3
                  daily_budget: 900
                  image_px: 512
                  jpeg_quality: 70
                  queue_size: 8
                """,
                Map.of("OPENAI_API_KEY", "sk-secret"))
            .vlm();
    assertThat(v)
        .isEqualTo(
            new SiteConfig.Vlm(
                "https://api.openai.com/v1",
                "gpt-4o-mini",
                "sk-secret",
                "environment variable OPENAI_API_KEY",
                12.5,
                4,
                3,
                900,
                512,
                70,
                8));
    assertThat(v.toString()).doesNotContain("sk-secret").contains("apiKey=***");
  }

  @Test
  void shouldTakeTheKeyFromAFileWhenApiKeyFileIsGiven(@TempDir Path dir) throws Exception {
    Path key = dir.resolve("vlm-key");
    Files.writeString(key, "sk-from-file\n");
    SiteConfig.Vlm v = llavaWith("api_key_file: " + key);
    assertThat(v.apiKey()).isEqualTo("sk-from-file");
    assertThat(v.apiKeySource()).isEqualTo("file " + key);
  }

  @Test
  void shouldLeaveTheKeyUnsetWhenTheNamedVariableIsNot() {
    SiteConfig.Vlm v = llavaWith("api_key_env: NOT_SET_HERE");
    assertThat(v.apiKey()).isNull();
    assertThat(v.apiKeySource()).isEqualTo("environment variable NOT_SET_HERE");
  }

  @Test
  void shouldRejectAUrlThatIsNotHttpWithFileLineAndPath() {
    assertThat(
            problems(
                """
                site: p
                vlm:
                  base_url: ftp://models.local/v1
                  model: llava
                """))
        .containsExactly(
            "site.yaml:3:13: vlm.base_url: must be an http:// or https:// URL, got"
                + " \"ftp://models.local/v1\". Give the OpenAI-compatible API base, such as"
                + " http://127.0.0.1:11434/v1 (Ollama) or http://127.0.0.1:8080/v1 (llama.cpp"
                + " server).");
    assertThat(problems("site: p\nvlm:\n  base_url: localhost:11434\n  model: m\n"))
        .singleElement()
        .asString()
        .startsWith("site.yaml:3:13: vlm.base_url: must be an http:// or https:// URL");
    assertThat(problems("site: p\nvlm:\n  base_url: http:///v1\n  model: m\n"))
        .singleElement()
        .asString()
        .startsWith("site.yaml:3:13: vlm.base_url: has no host name");
  }

  @Test
  void shouldRequireUrlAndModelWhenTheSectionIsGiven() {
    assertThat(problems("site: p\nvlm:\n  timeout_s: 5\n"))
        .hasSize(2)
        .anySatisfy(p -> assertThat(p).contains("vlm.base_url: required key is missing"))
        .anySatisfy(p -> assertThat(p).contains("vlm.model: required key is missing"));
  }

  @Test
  void shouldRejectOutOfRangeNumbersAndABadKeySource() {
    List<String> problems =
        problems(
            """
            site: p
            vlm:
              base_url: http://h/v1
              model: m
              timeout_s: 0
              max_concurrent: 0
              min_interval_s: -1
              daily_budget: 0
              image_px: 10
              jpeg_quality: 101
              api_key_env: ${KEY}
              unknown_thing: 1
            """);
    assertThat(String.join("\n", problems))
        .contains("vlm.timeout_s: must be a number in (0, 600], got 0")
        .contains("vlm.max_concurrent: must be a whole number in [1, 64], got 0")
        .contains("vlm.min_interval_s: must be a number in [0, 86400]")
        .contains("vlm.daily_budget: must be a whole number in [1, 10000000]")
        .contains("vlm.image_px: must be a whole number in [64, 4096]")
        .contains("vlm.jpeg_quality: must be a whole number in [1, 100]")
        .contains("vlm.api_key_env: environment variable KEY is not set")
        .contains("vlm.unknown_thing: unknown key");
  }

  @Test
  void shouldRefuseTwoKeySources(@TempDir Path dir) throws Exception {
    Path key = dir.resolve("k");
    Files.writeString(key, "x");
    assertThatThrownBy(
            () ->
                parse(
                    """
                    site: p
                    vlm:
                      base_url: http://h/v1
                      model: m
                      api_key_env: OPENAI_API_KEY
                      api_key_file: %s
                    """
                        .formatted(key),
                    Map.of()))
        .isInstanceOf(SiteConfigException.class)
        .hasMessageContaining("vlm.api_key_file: is set and so is vlm.api_key_env");
  }

  @Test
  void shouldReadVerifyAndRejectABadModeWhenGiven() {
    SiteConfig c =
        parse(
            """
            site: p
            prompts:
              - id: a
                text: how many people are not wearing a helmet?
                verify: vlm
              - id: b
                text: how many people are not wearing a helmet?
                verify: vlm
                verify_mode: gate
            """,
            Map.of());
    assertThat(c.prompts().get(0).verifyMode()).isEqualTo(PromptSpec.VERIFY_ANNOTATE);
    assertThat(c.prompts().get(1).verifyMode()).isEqualTo(PromptSpec.VERIFY_GATE);
    assertThat(c.prompts().get(1).verified()).isTrue();
    assertThat(
            problems(
                """
                site: p
                prompts:
                  - id: a
                    text: t
                    verify: gpt
                    verify_mode: block
                """))
        .containsExactly(
            "site.yaml:5:13: prompts[0].verify: must be vlm, got \"gpt\". Write verify: vlm to"
                + " have the multimodal model confirm each alert, or remove it.",
            "site.yaml:6:18: prompts[0].verify_mode: must be annotate or gate, got \"block\". Use"
                + " annotate (add the verdict) or gate (hold back rejected alerts).");
  }
}
