package dev.vigil.deploy.drill;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Writes every MQTT event of a run, with its due time, to {@code <work>/events-<run>.csv}. */
final class EventsCsv {
  private EventsCsv() {}

  static void write(
      Path dir, KafkaTap tap, String run, List<MqttTap.Event> all, Map<String, Long> skews) {
    StringBuilder csv =
        new StringBuilder("received_ms,id,state,camera,prompt,started,reason,record_ms,skew_ms\n");
    for (MqttTap.Event e : all) {
      Long due = tap.violationTime(e.id(), e.state());
      String role = e.camera().substring(run.length() + 1);
      csv.append(e.receivedMs()).append(',').append(e.id()).append(',').append(e.state());
      csv.append(',').append(e.camera()).append(',').append(e.prompt()).append(',');
      csv.append(e.started()).append(',').append(e.reason() == null ? "" : e.reason());
      csv.append(',').append(due == null ? "" : Long.toString(due));
      csv.append(',').append(skews.getOrDefault(role, 0L)).append('\n');
    }
    try {
      Files.writeString(dir.resolve("events-" + run + ".csv"), csv.toString());
    } catch (IOException e) {
      Plant.log("%s: cannot write the events file: %s", run, e);
    }
  }
}
