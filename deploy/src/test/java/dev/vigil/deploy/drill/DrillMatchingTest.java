package dev.vigil.deploy.drill;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How a drill's delivered events are counted against the reference's. */
class DrillMatchingTest {
  private static Matching.Key key(String role, String state, long offsetMs) {
    return new Matching.Key(role, "people", state, offsetMs, offsetMs);
  }

  private static Map<String, Matching.Key> delivered(Matching.Key... keys) {
    Map<String, Matching.Key> m = new LinkedHashMap<>();
    for (int i = 0; i < keys.length; i++) {
      m.put("id" + i + "/" + keys[i].state(), keys[i]);
    }
    return m;
  }

  @Test
  void shouldCountLostUnexpectedAndShiftedEventsPerCameraPromptAndState() {
    List<Matching.Key> expected =
        List.of(key("a", "open", 1_000), key("a", "resolved", 5_000), key("b", "open", 2_000));
    Matching.Match m =
        Matching.match(
            expected,
            delivered(
                key("a", "open", 1_200), // within the 300 ms tolerance
                key("a", "resolved", 6_000), // shifted
                key("a", "resolved", 9_000))); // one more than expected; b's open is lost

    assertThat(m).isEqualTo(new Matching.Match(1, 1, 1));
  }

  @Test
  void shouldOweTheDroppedCamerasEpisodesFromBeforeTheDropAndWellAfterItOnly() {
    long origin = 100_000;
    CameraDrop drop =
        new CameraDrop(
            new Plant.Camera("camera-drop-a", "http://x", 10),
            null,
            origin + 20_000,
            origin + 40_000);
    Matching.Key before = key("a", "open", 10_000);
    Matching.Key beforeResolved = new Matching.Key("a", "people", "resolved", 10_000, 25_000);
    Matching.Key cutOff = key("a", "open", 45_000);
    Matching.Key wellAfter = key("a", "open", 60_000);
    Matching.Key otherCamera = key("b", "open", 30_000);
    List<Matching.Key> reference = List.of(before, beforeResolved, cutOff, wellAfter, otherCamera);

    List<Matching.Key> owed =
        Matching.owedAfterDrop(
            reference, drop, new long[] {origin, origin + 90_000}, origin + 41_000);

    assertThat(owed).containsExactly(before, beforeResolved, wellAfter, otherCamera);
  }
}
