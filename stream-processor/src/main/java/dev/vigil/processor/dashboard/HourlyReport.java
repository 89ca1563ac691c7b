package dev.vigil.processor.dashboard;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * Compliance and violation counts per time bucket, camera, zone and prompt, read from the two
 * hourly stores ({@link DashboardTopology#HOURLY_COMPLIANCE_STORE}, {@link
 * DashboardTopology#HOURLY_VIOLATIONS_STORE}) for one {@link HistoryQuery}. Stateless.
 */
final class HourlyReport {
  /** What compliance means here, stated in every JSON report. */
  static final String DEFINITION =
      "compliance_percent = helmet / (helmet + no_helmet) x 100: the share of judged heads wearing"
          + " a helmet, each person counted once per processed frame; heads too small or unclear"
          + " to judge are counted as unknown and left out. violations = episodes whose condition"
          + " began in the bucket.";

  static final String CSV_HEADER =
      "bucket_start,camera,zone,prompt,helmet,no_helmet,unknown,compliance_percent,violations";

  private HourlyReport() {}

  /**
   * One row. A camera row (zone and prompt null) has every count; a zone row has the helmet counts
   * of the people in that zone; a prompt row has only that prompt's violations.
   *
   * @param bucketStart first millisecond of the bucket
   * @param start the same as an ISO-8601 instant
   * @param compliancePercent one decimal, or null when no head was judged (or a prompt row)
   * @param violations episodes that began in the bucket, or null for a zone row
   */
  public record Row(
      long bucketStart,
      String start,
      String camera,
      String zone,
      String prompt,
      Long helmet,
      Long noHelmet,
      Long unknown,
      Double compliancePercent,
      Integer violations) {}

  /**
   * A report.
   *
   * @param from first millisecond covered
   * @param to end of the span, exclusive
   * @param rows ordered by bucket, camera, then the camera row, zone rows, prompt rows
   */
  public record Report(
      String bucket,
      long from,
      long to,
      String fromIso,
      String toIso,
      String definition,
      List<Row> rows) {}

  /** Everything of one camera in one bucket. */
  private static final class Cell {
    ComplianceWindow.Totals all = ComplianceWindow.Totals.NONE;
    final Map<String, ComplianceWindow.Totals> zones = new TreeMap<>();
    final Map<String, Integer> prompts = new TreeMap<>();
  }

  static Report build(
      HistoryQuery q,
      ReadOnlyKeyValueStore<String, HourlyCompliance> compliance,
      ReadOnlyKeyValueStore<String, HourlyViolations> violations) {
    Long newest = max(newestHour(compliance), newestHour(violations));
    long[] range = q.range(newest);
    // Keys of an hour sort after its bare prefix, so this range is [from, to).
    String fromKey = HourlyRetention.prefix(range[0]);
    String toKey = HourlyRetention.prefix(range[1]);
    // bucket start -> camera -> cell, both sorted
    Map<Long, Map<String, Cell>> cells = new TreeMap<>();
    if (range[0] >= range[1]) {
      return report(q, range, List.of()); // from after the newest data: nothing to read
    }
    try (KeyValueIterator<String, HourlyCompliance> it = compliance.range(fromKey, toKey)) {
      it.forEachRemaining(
          kv -> {
            HourlyCompliance h = kv.value;
            if (q.camera() == null || q.camera().equals(h.camera())) {
              Cell c = cell(cells, q.bucket().floor(h.hour()), h.camera());
              c.all = c.all.plus(h.all());
              h.zones().forEach((z, t) -> c.zones.merge(z, t, ComplianceWindow.Totals::plus));
            }
          });
    }
    try (KeyValueIterator<String, HourlyViolations> it = violations.range(fromKey, toKey)) {
      it.forEachRemaining(
          kv -> {
            HourlyViolations h = kv.value;
            if (q.camera() == null || q.camera().equals(h.camera())) {
              cell(cells, q.bucket().floor(h.hour()), h.camera())
                  .prompts
                  .merge(h.prompt(), h.opened().size(), Integer::sum);
            }
          });
    }
    List<Row> rows = new ArrayList<>();
    cells.forEach(
        (bucket, cameras) -> cameras.forEach((camera, c) -> rows(q, bucket, camera, c, rows)));
    return report(q, range, rows);
  }

  private static Report report(HistoryQuery q, long[] range, List<Row> rows) {
    return new Report(
        q.bucket().name().toLowerCase(Locale.ROOT),
        range[0],
        range[1],
        Instant.ofEpochMilli(range[0]).toString(),
        Instant.ofEpochMilli(range[1]).toString(),
        DEFINITION,
        rows);
  }

  private static void rows(HistoryQuery q, long bucket, String camera, Cell c, List<Row> out) {
    String start = Instant.ofEpochMilli(bucket).toString();
    if (q.zone() == null && q.prompt() == null) {
      int total = c.prompts.values().stream().mapToInt(Integer::intValue).sum();
      out.add(heads(bucket, start, camera, null, c.all, total));
    }
    if (q.prompt() == null) {
      c.zones.forEach(
          (zone, t) -> {
            if (q.zone() == null || q.zone().equals(zone)) {
              out.add(heads(bucket, start, camera, zone, t, null));
            }
          });
    }
    if (q.zone() == null) {
      c.prompts.forEach(
          (prompt, n) -> {
            if (q.prompt() == null || q.prompt().equals(prompt)) {
              out.add(new Row(bucket, start, camera, null, prompt, null, null, null, null, n));
            }
          });
    }
  }

  private static Row heads(
      long bucket, String start, String camera, String zone, ComplianceWindow.Totals t, Integer v) {
    Double percent = t.percent();
    Double rounded = percent == null ? null : Math.round(percent * 10) / 10.0;
    return new Row(
        bucket, start, camera, zone, null, t.helmet(), t.noHelmet(), t.unknown(), rounded, v);
  }

  private static Cell cell(Map<Long, Map<String, Cell>> cells, long bucket, String camera) {
    return cells
        .computeIfAbsent(bucket, b -> new TreeMap<>())
        .computeIfAbsent(camera, k -> new Cell());
  }

  private static Long newestHour(ReadOnlyKeyValueStore<String, ?> store) {
    try (KeyValueIterator<String, ?> it = store.reverseAll()) {
      return it.hasNext() ? HourlyRetention.hourOfKey(it.next().key) : null;
    }
  }

  private static Long max(Long a, Long b) {
    if (a == null || b == null) {
      return a == null ? b : a;
    }
    return Math.max(a, b);
  }

  /** The report as CSV (RFC 4180, header first, UTC instants, empty cells for n/a). */
  static String csv(Report r) {
    StringBuilder b = new StringBuilder(CSV_HEADER).append("\r\n");
    for (Row row : r.rows()) {
      String percent =
          row.compliancePercent() == null
              ? null
              : String.format(Locale.ROOT, "%.1f", row.compliancePercent());
      List<Object> cells =
          Arrays.asList(
              row.start(),
              row.camera(),
              row.zone(),
              row.prompt(),
              row.helmet(),
              row.noHelmet(),
              row.unknown(),
              percent,
              row.violations());
      b.append(cells.stream().map(HourlyReport::cell).collect(Collectors.joining(",")))
          .append("\r\n");
    }
    return b.toString();
  }

  private static String cell(Object v) {
    if (v == null) {
      return "";
    }
    String s = v.toString();
    return s.matches("[^\",\r\n]*") ? s : "\"" + s.replace("\"", "\"\"") + "\"";
  }
}
