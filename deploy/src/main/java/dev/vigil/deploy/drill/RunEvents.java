package dev.vigil.deploy.drill;

import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the plant's taps saw of a run's cameras: their frames on Kafka and their episode events on
 * MQTT, as episode keys comparable across runs.
 */
final class RunEvents {
  private static final List<String> STATES = List.of("open", "resolved");

  private final Plant plant;

  /** (id/state) of resolves for camera_offline: due offline_after_s after the last frame. */
  private final Set<String> offlineResolves = java.util.concurrent.ConcurrentHashMap.newKeySet();

  RunEvents(Plant plant) {
    this.plant = plant;
  }

  /** Whether the event {@code idState} resolved an episode because its camera went offline. */
  boolean offlineResolve(String idState) {
    return offlineResolves.contains(idState);
  }

  /** First and last observation timestamps per camera. */
  Map<String, long[]> spans(List<Plant.Camera> cams) {
    Set<String> ids = ids(cams);
    Map<String, long[]> span = new HashMap<>();
    for (KafkaTap.Obs o : plant.kafkaTap().observations()) {
      if (ids.contains(o.camera())) {
        span.merge(
            o.camera(),
            new long[] {o.timestamp(), o.timestamp()},
            (x, y) -> new long[] {Math.min(x[0], y[0]), Math.max(x[1], y[1])});
      }
    }
    return span;
  }

  /** Every open and resolve of the cameras, as delivered on MQTT (duplicates included). */
  List<MqttTap.Event> events(List<Plant.Camera> cams) {
    Set<String> ids = ids(cams);
    return plant.mqttTap().events().stream()
        .filter(e -> ids.contains(e.camera()) && STATES.contains(e.state()))
        .toList();
  }

  /** Distinct delivered events as keys, with their first receipt, by id/state. */
  Map<String, Matching.Key> keys(String run, List<Plant.Camera> cams, Map<String, Long> firstSeen) {
    Map<String, long[]> span = spans(cams);
    Map<String, Matching.Key> keys = new LinkedHashMap<>();
    for (MqttTap.Event e : events(cams)) {
      String idState = e.id() + "/" + e.state();
      if (keys.containsKey(idState)) {
        continue;
      }
      long[] s = span.get(e.camera());
      long offset = s == null ? Long.MIN_VALUE : e.started() - s[0];
      Long due = plant.kafkaTap().violationTime(e.id(), e.state());
      long dueOffset = s == null || due == null ? offset : due - s[0];
      String role = e.camera().substring(run.length() + 1);
      keys.put(idState, new Matching.Key(role, e.prompt(), e.state(), offset, dueOffset));
      if (firstSeen instanceof HashMap<String, Long> m) {
        m.put(idState, e.receivedMs());
      }
      if ("camera_offline".equals(e.reason())) {
        offlineResolves.add(idState);
      }
    }
    return keys;
  }

  /**
   * The longest pause between two observations of the run's cameras, by when the drill read them.
   */
  long gap(List<Plant.Camera> cams) {
    Set<String> ids = ids(cams);
    List<Long> reads =
        plant.kafkaTap().observations().stream()
            .filter(o -> ids.contains(o.camera()))
            .map(KafkaTap.Obs::readMs)
            .sorted()
            .toList();
    long gap = 0;
    for (int i = 1; i < reads.size(); i++) {
      gap = Math.max(gap, reads.get(i) - reads.get(i - 1));
    }
    return gap;
  }

  private static Set<String> ids(List<Plant.Camera> cams) {
    Set<String> ids = new HashSet<>();
    cams.forEach(c -> ids.add(c.id()));
    return ids;
  }
}
