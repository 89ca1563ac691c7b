package dev.vigil.processor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.config.Box;
import dev.vigil.config.Person;
import dev.vigil.config.Point;
import dev.vigil.config.SiteConfig;
import dev.vigil.inference.prompt.VlmPrompt;
import java.util.List;
import org.junit.jupiter.api.Test;

class ModelGateTest {
  private static final Person IN_DOCK =
      new Person(new Box(0.1, 0.1, 0.2, 0.5), 0.9, null, null, null, null, List.of("dock"), 1L);
  private static final Person ELSEWHERE =
      new Person(new Box(0.6, 0.1, 0.7, 0.5), 0.9, null, null, null, null, List.of(), 2L);

  @Test
  void shouldHoldWhileSomeoneIsInViewWhenThePromptNamesNoZone() {
    VlmPrompt p = VlmPrompt.of("is the fire exit blocked?", "m", "x");
    assertThat(ModelGate.holds(p, List.of())).isFalse();
    assertThat(ModelGate.holds(p, List.of(ELSEWHERE))).isTrue();
  }

  @Test
  void shouldHoldOnlyWhileSomeoneIsInTheNamedZoneAndSendItsCrop() {
    VlmPrompt p = VlmPrompt.of("is a forklift driving with raised forks in zone dock?", "m", "x");
    assertThat(ModelGate.holds(p, List.of(ELSEWHERE))).isFalse();
    assertThat(ModelGate.holds(p, List.of(ELSEWHERE, IN_DOCK))).isTrue();
    SiteConfig.Camera cam =
        new SiteConfig.Camera(
            "c",
            "x.mp4",
            2,
            10,
            0,
            0,
            List.of(
                new SiteConfig.Zone(
                    "dock",
                    List.of(new Point(0.1, 0.2), new Point(0.5, 0.25), new Point(0.3, 0.9)))));
    assertThat(ModelGate.zoneBounds(cam, "dock")).isEqualTo(new Box(0.1, 0.2, 0.5, 0.9));
    assertThat(ModelGate.zoneBounds(cam, "press")).isNull();
    assertThat(ModelGate.zoneBounds(cam, null)).isNull();
  }
}
