package dev.vigil.processor.scene;

import dev.vigil.config.Person;
import java.util.List;
import java.util.Map;

/**
 * What a camera's scene carries from one frame to the next. Stored as JSON per camera. Immutable.
 *
 * @param nextTrackId the next anonymous track id to hand out
 * @param lastTimestamp event time of the last frame, epoch millis
 * @param tracks live tracks, including ones coasting through a few missed frames
 */
public record CameraState(long nextTrackId, long lastTimestamp, List<Track> tracks) {
  public CameraState {
    tracks = tracks == null ? List.of() : List.copyOf(tracks);
  }

  public static CameraState initial() {
    return new CameraState(1, -1, List.of());
  }

  /**
   * One tracked person.
   *
   * @param id anonymous track id, unique per camera
   * @param person the person as last seen, with zones after inertia
   * @param missed consecutive frames the track was not detected
   * @param zoneStreaks per zone, consecutive frames the raw membership disagreed with the current
   *     one; membership flips when this reaches the inertia
   */
  public record Track(long id, Person person, int missed, Map<String, Integer> zoneStreaks) {
    public Track {
      zoneStreaks = zoneStreaks == null ? Map.of() : Map.copyOf(zoneStreaks);
    }
  }
}
