package dev.vigil.inference.helmet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.vigil.config.Box;
import org.junit.jupiter.api.Test;

class HeadZoneTest {

  @Test
  void shouldPlaceTheZoneAtTheTopOfTheBodyReachingSlightlyAbove() {
    Box zone = HeadZone.of(new Box(0.2, 0.2, 0.4, 1.0));

    assertThat(zone.y1()).isCloseTo(0.16, within(1e-9));
    assertThat(zone.y2()).isCloseTo(0.2 + HeadZone.DEPTH * 0.8, within(1e-9));
    // A head whose centre is just above the body's top (the pose box cut at the forehead) is in
    // it; one on the chest is not.
    assertThat(zone.holdsCentreOf(new Box(0.28, 0.15, 0.32, 0.19))).isTrue();
    assertThat(zone.holdsCentreOf(new Box(0.28, 0.5, 0.32, 0.55))).isFalse();
    // Never above the frame.
    assertThat(HeadZone.of(new Box(0, 0, 1, 1)).y1()).isZero();
  }
}
