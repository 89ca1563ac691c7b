package dev.vigil.processor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.config.Json;
import dev.vigil.config.PromptSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Without a model, a prompt outside the language is rejected and the rejection says what to set.
 */
class VlmRejectionTest {
  @Test
  void shouldNameVlmBaseUrlWhenNoModelIsConfigured() {
    PromptCatalog.Entry e =
        PromptCatalog.compile(
            "exit",
            Json.toBytes(new PromptSpec("exit", "is the fire exit blocked?", List.of(), 0, null)));
    assertThat(e.accepted()).isFalse();
    assertThat(e.rejection()).contains("set vlm.base_url (and vlm.model) in site.yaml");
  }

  @Test
  void shouldRejectVerifyWithoutAModel() {
    PromptSpec spec =
        new PromptSpec(
            "h", "how many people are not wearing a helmet?", List.of(), 0, null, "vlm", "gate");
    PromptCatalog.Entry e = PromptCatalog.compile("h", Json.toBytes(spec));
    assertThat(e.rejection()).startsWith("verify: vlm needs a multimodal model: set vlm.base_url");
    assertThat(PromptCatalog.compile("h", Json.toBytes(spec), "m").accepted()).isTrue();
  }
}
