package dev.vigil.inference.prompt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class VlmRouteTest {
  @Test
  void shouldCompileAPromptOfTheLanguageEvenWhenAModelIsConfigured() {
    VlmRoute.Routed r = VlmRoute.compile("how many people are not wearing a helmet?", "llava");
    assertThat(r.compiled()).isNotNull();
    assertThat(r.vlm()).isNull();
  }

  @Test
  void shouldNameTheMissingSettingWhenNoModelIsConfigured() {
    assertThatThrownBy(() -> VlmRoute.compile("is the fire exit blocked?", null))
        .isInstanceOf(PromptRejectedException.class)
        .hasMessageContaining("set vlm.base_url (and vlm.model) in site.yaml");
  }

  @Test
  void shouldRouteAPromptOutsideTheLanguageToTheModelWithItsZoneAndDuration() {
    VlmRoute.Routed r =
        VlmRoute.compile("Is a forklift driving with its forks raised in zone dock for 30 s?", "m");
    assertThat(r.compiled()).isNull();
    VlmPrompt p = r.vlm();
    assertThat(p.zone()).isEqualTo("dock");
    assertThat(p.forSeconds()).isEqualTo(30);
    assertThat(p.canonical())
        .isEqualTo("ask m: Is a forklift driving with its forks raised in zone dock for 30 s?");
    assertThat(p.toMap())
        .containsEntry("route", "vlm")
        .containsEntry("gate", "someone in zone dock");
    assertThat((String) p.toMap().get("why")).startsWith("outside the prompt language");
    assertThat(VlmPrompt.of("is anyone on a ladder for 2 minutes?", "m", "x").forSeconds())
        .isEqualTo(120);
    assertThat(VlmPrompt.of("is the fire exit blocked?", "m", "x").zone()).isNull();
  }

  @Test
  void shouldRefuseToAskTheModelAboutWhoSomeoneIsOrHowTheyFeel() {
    assertThatThrownBy(() -> VlmRoute.compile("Who is standing at the press?", "m"))
        .isInstanceOf(PromptRejectedException.class)
        .hasMessageStartingWith("cannot ask the model about \"who\": Vigil does not identify");
    assertThatThrownBy(() -> VlmRoute.compile("Is the forklift driver tired?", "m"))
        .hasMessageContaining("\"tired\"");
    assertThatThrownBy(() -> VlmRoute.compile("Are workers productive at line 2?", "m"))
        .hasMessageContaining("\"productive\"");
    assertThat(VlmRoute.compile("Is the forklift driving with its forks raised?", "m").vlm())
        .isNotNull();
  }
}
