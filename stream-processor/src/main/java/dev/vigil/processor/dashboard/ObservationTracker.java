package dev.vigil.processor.dashboard;

import dev.vigil.config.HelmetCounts;
import dev.vigil.config.Observation;
import java.util.Objects;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Keeps the newest observation, the per-minute helmet counts of the last hour and the hourly counts
 * of the last 30 days of each camera.
 */
final class ObservationTracker implements Processor<String, Observation, Void, Void> {
  private final VigilMetrics metrics;
  private KeyValueStore<String, Observation> latest;
  private KeyValueStore<String, ComplianceWindow> compliance;
  private KeyValueStore<String, HourlyCompliance> hourly;
  private final HourlyRetention hourlyRetention = new HourlyRetention();

  ObservationTracker(VigilMetrics metrics) {
    this.metrics = metrics;
  }

  @Override
  public void init(ProcessorContext<Void, Void> context) {
    latest = context.getStateStore(DashboardTopology.LATEST_STORE);
    compliance = context.getStateStore(DashboardTopology.COMPLIANCE_STORE);
    hourly = context.getStateStore(DashboardTopology.HOURLY_COMPLIANCE_STORE);
  }

  @Override
  public void process(Record<String, Observation> record) {
    Observation obs = record.value();
    if (obs == null) {
      return;
    }
    String camera = record.key() != null ? record.key() : obs.camera();
    if (camera == null) {
      return;
    }
    long ts = record.timestamp();
    Observation previous = latest.get(camera);
    long previousTs = previous == null ? Long.MIN_VALUE : previous.timestamp();
    // Late frames still count towards their minute, but never replace a newer snapshot.
    if (obs.timestamp() >= previousTs) {
      latest.put(camera, obs);
    }
    long newest = Math.max(ts, previous == null ? ts : previousTs);
    HelmetCounts counts = HelmetCounts.of(obs.people());
    ComplianceWindow window =
        Objects.requireNonNullElse(compliance.get(camera), new ComplianceWindow(null));
    compliance.put(
        camera, window.add(ts, newest, counts.helmet(), counts.noHelmet(), counts.unknown()));
    countHour(camera, ts, obs);
    if (metrics != null) {
      Double modelMs = obs.timingsMs().get("model");
      if (modelMs != null) {
        metrics.modelLatency(modelMs / 1000.0);
      }
      metrics.endToEnd(Math.max(0, System.currentTimeMillis() - obs.timestamp()) / 1000.0);
    }
  }

  private void countHour(String camera, long ts, Observation obs) {
    long hour = HourlyRetention.hourOf(ts);
    if (!hourlyRetention.admit(hourly, hour)) {
      return; // older than the retention: it would be deleted at once
    }
    String key = HourlyRetention.key(hour, camera);
    HourlyCompliance h =
        Objects.requireNonNullElse(hourly.get(key), HourlyCompliance.empty(hour, camera));
    hourly.put(key, h.add(obs.people()));
  }
}
