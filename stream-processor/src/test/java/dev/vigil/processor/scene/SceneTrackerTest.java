package dev.vigil.processor.scene;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.config.Box;
import dev.vigil.config.Person;
import dev.vigil.config.Point;
import dev.vigil.config.SiteConfig;
import java.util.List;
import org.junit.jupiter.api.Test;

class SceneTrackerTest {
  private static final SiteConfig.Zone LEFT =
      new SiteConfig.Zone(
          "left", List.of(new Point(0, 0), new Point(0.5, 0), new Point(0.5, 1), new Point(0, 1)));

  private static Person at(double x, double y) {
    Box box = new Box(x - 0.05, y - 0.3, x + 0.05, y);
    return Person.detected(box, 0.9, new Point(x, y));
  }

  @Test
  void shouldKeepTrackIdWhenPersonMovesALittle() {
    SceneTracker tracker = SceneTracker.defaults();
    SceneTracker.Result r1 =
        tracker.step(CameraState.initial(), 0, List.of(at(0.3, 0.8)), List.of());
    SceneTracker.Result r2 = tracker.step(r1.state(), 100, List.of(at(0.31, 0.8)), List.of());
    assertThat(r1.people()).extracting(Person::trackId).containsExactly(1L);
    assertThat(r2.people()).extracting(Person::trackId).containsExactly(1L);
  }

  @Test
  void shouldGiveNewIdsToNewPeople() {
    SceneTracker tracker = SceneTracker.defaults();
    SceneTracker.Result r1 =
        tracker.step(CameraState.initial(), 0, List.of(at(0.3, 0.8)), List.of());
    SceneTracker.Result r2 =
        tracker.step(r1.state(), 100, List.of(at(0.3, 0.8), at(0.8, 0.8)), List.of());
    assertThat(r2.people()).extracting(Person::trackId).containsExactly(1L, 2L);
  }

  @Test
  void shouldTrackThroughOneMissedFrame() {
    SceneTracker tracker = SceneTracker.defaults();
    SceneTracker.Result r1 =
        tracker.step(CameraState.initial(), 0, List.of(at(0.3, 0.8)), List.of());
    SceneTracker.Result missed = tracker.step(r1.state(), 100, List.of(), List.of());
    SceneTracker.Result back = tracker.step(missed.state(), 200, List.of(at(0.31, 0.8)), List.of());
    // The person coasts through the missed frame and keeps their id when seen again.
    assertThat(missed.people()).extracting(Person::trackId).containsExactly(1L);
    assertThat(back.people()).extracting(Person::trackId).containsExactly(1L);
    assertThat(back.state().nextTrackId()).isEqualTo(2L);
  }

  @Test
  void shouldDropTrackWhenMissedTooLong() {
    SceneTracker tracker = new SceneTracker(0.3, 2, 2);
    CameraState s =
        tracker.step(CameraState.initial(), 0, List.of(at(0.3, 0.8)), List.of()).state();
    for (int i = 1; i <= 3; i++) {
      s = tracker.step(s, i * 100L, List.of(), List.of()).state();
    }
    assertThat(s.tracks()).isEmpty();
  }

  @Test
  void shouldPlaceNewPersonInZoneByFootPoint() {
    SceneTracker tracker = SceneTracker.defaults();
    SceneTracker.Result r =
        tracker.step(CameraState.initial(), 0, List.of(at(0.2, 0.9), at(0.8, 0.9)), List.of(LEFT));
    assertThat(r.people().get(0).zones()).containsExactly("left");
    assertThat(r.people().get(1).zones()).isEmpty();
  }

  @Test
  void shouldChangeZoneMembershipOnlyAfterInertiaFrames() {
    SceneTracker tracker = new SceneTracker(0.0, 2, 3);
    CameraState s =
        tracker.step(CameraState.initial(), 0, List.of(at(0.45, 0.9)), List.of(LEFT)).state();
    assertThat(s.tracks().get(0).person().zones()).containsExactly("left");
    // Steps out of the zone: membership holds for two frames and flips on the third.
    s = tracker.step(s, 100, List.of(at(0.52, 0.9)), List.of(LEFT)).state();
    assertThat(s.tracks().get(0).person().zones()).containsExactly("left");
    s = tracker.step(s, 200, List.of(at(0.53, 0.9)), List.of(LEFT)).state();
    assertThat(s.tracks().get(0).person().zones()).containsExactly("left");
    s = tracker.step(s, 300, List.of(at(0.54, 0.9)), List.of(LEFT)).state();
    assertThat(s.tracks().get(0).person().zones()).isEmpty();
  }

  @Test
  void shouldIgnoreSingleFrameFlickerAcrossZoneEdge() {
    SceneTracker tracker = new SceneTracker(0.0, 2, 2);
    CameraState s =
        tracker.step(CameraState.initial(), 0, List.of(at(0.45, 0.9)), List.of(LEFT)).state();
    s = tracker.step(s, 100, List.of(at(0.51, 0.9)), List.of(LEFT)).state();
    s = tracker.step(s, 200, List.of(at(0.49, 0.9)), List.of(LEFT)).state();
    s = tracker.step(s, 300, List.of(at(0.51, 0.9)), List.of(LEFT)).state();
    assertThat(s.tracks().get(0).person().zones()).containsExactly("left");
  }

  @Test
  void shouldComputePointInPolygonForConcaveShapes() {
    List<Point> l =
        List.of(
            new Point(0, 0),
            new Point(0.2, 0),
            new Point(0.2, 0.8),
            new Point(1, 0.8),
            new Point(1, 1),
            new Point(0, 1));
    assertThat(Polygon.contains(l, new Point(0.1, 0.5))).isTrue();
    assertThat(Polygon.contains(l, new Point(0.5, 0.5))).isFalse();
    assertThat(Polygon.contains(l, new Point(0.5, 0.9))).isTrue();
  }
}
