package dev.vigil.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class HelmetCountsTest {
  private static Person person(Boolean helmet) {
    Box head = new Box(0, 0, 0.05, 0.05);
    return new Person(new Box(0, 0, 0.1, 0.3), 0.9, head, null, helmet, null, List.of(), null);
  }

  @Test
  void shouldCountAPersonWithoutAJudgementAsNotJudgedNeverOnEitherSide() {
    HelmetCounts c =
        HelmetCounts.of(List.of(person(true), person(false), person(false), person(null)));

    assertThat(c).isEqualTo(new HelmetCounts(4, 1, 2, 1));
    assertThat(c.judged()).isEqualTo(3);
    assertThat(c.toMap())
        .containsExactly(
            java.util.Map.entry("people", 4),
            java.util.Map.entry("helmet", 1),
            java.util.Map.entry("no_helmet", 2),
            java.util.Map.entry("unknown", 1));
  }
}
