package dev.vigil.processor.scene;

import dev.vigil.config.Person;
import dev.vigil.config.Point;
import dev.vigil.config.SiteConfig;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Tracks people across frames of one camera and decides their zones. Pure and deterministic: the
 * same frames give the same track ids, so replays agree.
 *
 * <p>Tracking is greedy IoU matching, highest IoU first. A track missed for up to {@code maxMissed}
 * frames coasts with its last box, so one missed detection neither drops the person from counts nor
 * gives them a new id. Zone membership of a track flips only after the raw membership has disagreed
 * for {@code zoneInertia} consecutive frames.
 *
 * @param minIou the least IoU of a track's box and a detection's for them to match
 * @param maxMissed how many frames in a row a track may go unmatched and still coast
 * @param zoneInertia how many frames in a row the raw zone membership must disagree to flip
 */
public record SceneTracker(double minIou, int maxMissed, int zoneInertia) {

  public static SceneTracker defaults() {
    return new SceneTracker(0.3, 2, 2);
  }

  /** The result of one frame: the people to answer prompts over, and the next state. */
  public record Result(List<Person> people, CameraState state) {}

  /**
   * Advances the camera's state by one frame.
   *
   * @param state the state after the previous frame
   * @param timestamp this frame's event time
   * @param detections people detected in this frame, without track ids or zones
   * @param zones the camera's zones
   */
  public Result step(
      CameraState state, long timestamp, List<Person> detections, List<SiteConfig.Zone> zones) {
    List<CameraState.Track> previous = state.tracks();
    List<int[]> pairs = new ArrayList<>();
    for (int t = 0; t < previous.size(); t++) {
      for (int d = 0; d < detections.size(); d++) {
        if (previous.get(t).person().box().iou(detections.get(d).box()) >= minIou) {
          pairs.add(new int[] {t, d});
        }
      }
    }
    pairs.sort(
        Comparator.comparingDouble(
                (int[] p) -> -previous.get(p[0]).person().box().iou(detections.get(p[1]).box()))
            .thenComparingInt(p -> p[0])
            .thenComparingInt(p -> p[1]));
    Map<Integer, Integer> detectionToTrack = new HashMap<>();
    Set<Integer> usedTracks = new LinkedHashSet<>();
    for (int[] p : pairs) {
      if (!usedTracks.contains(p[0]) && !detectionToTrack.containsKey(p[1])) {
        usedTracks.add(p[0]);
        detectionToTrack.put(p[1], p[0]);
      }
    }

    long nextId = state.nextTrackId();
    List<CameraState.Track> tracks = new ArrayList<>();
    for (int d = 0; d < detections.size(); d++) {
      Person det = detections.get(d);
      Integer t = detectionToTrack.get(d);
      CameraState.Track track =
          t == null ? newTrack(nextId++, det, zones) : continued(previous.get(t), det, zones);
      tracks.add(track);
    }
    for (int t = 0; t < previous.size(); t++) {
      CameraState.Track old = previous.get(t);
      if (!usedTracks.contains(t) && old.missed() < maxMissed) {
        tracks.add(
            new CameraState.Track(old.id(), old.person(), old.missed() + 1, old.zoneStreaks()));
      }
    }
    tracks.sort(Comparator.comparingLong(CameraState.Track::id));
    List<Person> people = tracks.stream().map(CameraState.Track::person).toList();
    return new Result(people, new CameraState(nextId, timestamp, tracks));
  }

  private CameraState.Track newTrack(long id, Person det, List<SiteConfig.Zone> zones) {
    List<String> inside = rawZones(det.foot(), zones);
    return new CameraState.Track(id, det.withZones(inside).withTrackId(id), 0, Map.of());
  }

  private CameraState.Track continued(
      CameraState.Track track, Person det, List<SiteConfig.Zone> zones) {
    Set<String> current = new LinkedHashSet<>(track.person().zones());
    List<String> raw = rawZones(det.foot(), zones);
    Map<String, Integer> streaks = new HashMap<>();
    List<String> result = new ArrayList<>();
    for (SiteConfig.Zone zone : zones) {
      String name = zone.name();
      boolean was = current.contains(name);
      boolean now = raw.contains(name);
      int streak = was == now ? 0 : track.zoneStreaks().getOrDefault(name, 0) + 1;
      boolean member = was;
      if (streak >= zoneInertia) {
        member = now;
        streak = 0;
      }
      if (streak > 0) {
        streaks.put(name, streak);
      }
      if (member) {
        result.add(name);
      }
    }
    Person person = det.withZones(result).withTrackId(track.id());
    return new CameraState.Track(track.id(), person, 0, streaks);
  }

  static List<String> rawZones(Point foot, List<SiteConfig.Zone> zones) {
    if (foot == null) {
      return List.of();
    }
    List<String> inside = new ArrayList<>();
    for (SiteConfig.Zone zone : zones) {
      if (Polygon.contains(zone.polygon(), foot)) {
        inside.add(zone.name());
      }
    }
    return inside;
  }
}
