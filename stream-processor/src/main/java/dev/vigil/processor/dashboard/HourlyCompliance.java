package dev.vigil.processor.dashboard;

import dev.vigil.config.Person;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Helmet judgements of one camera in one UTC hour of event time, for the whole camera and per zone:
 * the value of {@link DashboardTopology#HOURLY_COMPLIANCE_STORE}. Counts are person sightings
 * summed over frames, as in {@link ComplianceWindow}. Immutable.
 *
 * @param hour start of the hour, epoch millis
 * @param camera camera id
 * @param all every person of the camera, in a zone or not
 * @param zones per zone id; a person in two zones counts in both
 */
public record HourlyCompliance(
    long hour,
    String camera,
    ComplianceWindow.Totals all,
    Map<String, ComplianceWindow.Totals> zones) {
  public HourlyCompliance {
    all = all == null ? ComplianceWindow.Totals.NONE : all;
    zones = zones == null ? Map.of() : Map.copyOf(zones);
  }

  /** An hour with nothing seen yet. */
  static HourlyCompliance empty(long hour, String camera) {
    return new HourlyCompliance(hour, camera, null, null);
  }

  /** This hour with one frame's people added. */
  HourlyCompliance add(List<Person> people) {
    ComplianceWindow.Totals sum = all;
    Map<String, ComplianceWindow.Totals> byZone = new TreeMap<>(zones);
    for (Person p : people) {
      ComplianceWindow.Totals one = ComplianceWindow.Totals.of(p.helmet());
      sum = sum.plus(one);
      for (String zone : p.zones()) {
        byZone.merge(zone, one, ComplianceWindow.Totals::plus);
      }
    }
    return new HourlyCompliance(hour, camera, sum, byZone);
  }
}
