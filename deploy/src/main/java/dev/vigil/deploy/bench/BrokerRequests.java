package dev.vigil.deploy.bench;

import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * Requests the in-process Kafka broker has handled, by request type, from its own {@code
 * RequestsPerSec} meters (registered in this JVM's MBean server). The broker's CPU grows with its
 * request rate more than with bytes, so the rate per type says which client's traffic it serves.
 */
final class BrokerRequests {
  private static final MBeanServer SERVER = ManagementFactory.getPlatformMBeanServer();

  private BrokerRequests() {}

  /** Cumulative requests per type (all versions summed); empty when no broker runs here. */
  static Map<String, Long> totals() {
    Map<String, Long> out = new TreeMap<>();
    try {
      ObjectName pattern =
          new ObjectName("kafka.network:type=RequestMetrics,name=RequestsPerSec,*");
      for (ObjectName name : SERVER.queryNames(pattern, null)) {
        if (SERVER.getAttribute(name, "Count") instanceof Long count) {
          out.merge(name.getKeyProperty("request"), count, Long::sum);
        }
      }
    } catch (JMException e) {
      return Map.of(); // a diagnostic only: no figure rather than a failed bench
    }
    return out;
  }

  /** Requests per second of each type between two readings, busiest first, rounded. */
  static Map<String, Object> perSecond(Map<String, Long> a, Map<String, Long> b, double seconds) {
    Map<String, Object> out = new LinkedHashMap<>();
    b.entrySet().stream()
        .map(e -> Map.entry(e.getKey(), (e.getValue() - a.getOrDefault(e.getKey(), 0L)) / seconds))
        .filter(e -> e.getValue() > 0)
        .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
        .forEach(e -> out.put(e.getKey(), BenchReport.round(e.getValue(), 1)));
    return out;
  }
}
