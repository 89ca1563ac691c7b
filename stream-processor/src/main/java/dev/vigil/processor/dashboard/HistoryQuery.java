package dev.vigil.processor.dashboard;

import dev.vigil.config.Ids;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The parameters of {@code /api/history/hours} and {@code /api/history.csv}, checked. Every bad
 * parameter is a {@link BadParameterException} naming it and saying how to fix it. Immutable.
 *
 * @param camera only this camera, or null for all
 * @param zone only the rows of this zone, or null
 * @param prompt only the rows of this prompt, or null
 * @param from first millisecond, or null: {@code span} before {@code to}
 * @param to end (exclusive), or null: the end of the newest hour with data
 * @param span how far back from {@code to} when {@code from} is not given
 * @param bucket {@code hour} or {@code day} (UTC)
 */
public record HistoryQuery(
    String camera, String zone, String prompt, Long from, Long to, Duration span, Bucket bucket) {
  /** The longest span asked for at once: the retention and a day of slack. */
  static final Duration MAX_SPAN = HourlyRetention.RETENTION.plusDays(1);

  static final Duration DEFAULT_SPAN = Duration.ofHours(24);

  private static final Set<String> NAMES =
      Set.of("camera", "zone", "prompt", "from", "to", "span", "bucket");
  private static final Pattern SPAN = Pattern.compile("(\\d{1,4})([hd])");
  private static final String TIME_FORMS =
      "an ISO-8601 time such as 2026-12-05T10:00:00Z or 2026-12-05T11:00:00+01:00, a UTC date"
          + " such as 2026-12-05, or epoch milliseconds";

  /** The size of a row's time bucket. */
  public enum Bucket {
    HOUR(HourlyRetention.HOUR_MS),
    DAY(24 * HourlyRetention.HOUR_MS);

    final long millis;

    Bucket(long millis) {
      this.millis = millis;
    }

    long floor(long t) {
      return Math.floorDiv(t, millis) * millis;
    }

    long ceil(long t) {
      return -Math.floorDiv(-t, millis) * millis;
    }
  }

  /** A query parameter that is missing its point; {@link #getMessage} says which and how to fix. */
  public static final class BadParameterException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String parameter;

    BadParameterException(String parameter, String message) {
      super(parameter + ": " + message);
      this.parameter = parameter;
    }

    /** The parameter's name. */
    public String parameter() {
      return parameter;
    }
  }

  /**
   * Parses a raw query string ({@code camera=a&span=7d}, or null).
   *
   * @throws BadParameterException on an unknown, repeated or malformed parameter
   */
  public static HistoryQuery parse(String rawQuery) {
    Map<String, String> p = params(rawQuery);
    String camera = p.get("camera");
    if (camera != null && !Ids.valid(camera)) {
      throw new BadParameterException(
          "camera", Ids.show(camera) + " is not a camera id: use " + Ids.RULE);
    }
    String prompt = p.get("prompt");
    if (prompt != null && !Ids.valid(prompt)) {
      throw new BadParameterException(
          "prompt", Ids.show(prompt) + " is not a prompt id: use " + Ids.RULE);
    }
    String zone = p.get("zone");
    if (zone != null && !Ids.valid(zone)) {
      throw new BadParameterException(
          "zone", Ids.show(zone) + " is not a zone id: use " + Ids.RULE);
    }
    if (zone != null && prompt != null) {
      throw new BadParameterException(
          "prompt",
          "zone rows and prompt rows are separate (violations are counted per prompt, helmets per"
              + " zone); give zone or prompt, not both");
    }
    Bucket bucket = bucket(p.get("bucket"));
    Long from = p.containsKey("from") ? time("from", p.get("from")) : null;
    Long to = p.containsKey("to") ? time("to", p.get("to")) : null;
    if (from != null && p.containsKey("span")) {
      throw new BadParameterException(
          "span", "give either from (and to) or span (before to), not both");
    }
    Duration span = p.containsKey("span") ? span(p.get("span")) : DEFAULT_SPAN;
    if (from != null && to != null) {
      if (to <= from) {
        throw new BadParameterException(
            "to", "must be after from (" + Instant.ofEpochMilli(from) + "); swap them or widen");
      }
      if (to - from > MAX_SPAN.toMillis()) {
        throw new BadParameterException(
            "from",
            "from to to spans more than "
                + MAX_SPAN.toDays()
                + " days; history is kept"
                + " "
                + HourlyRetention.RETENTION.toDays()
                + " days, so ask for less");
      }
    }
    return new HistoryQuery(camera, zone, prompt, from, to, span, bucket);
  }

  /**
   * The span to report, {@code [from, to)} aligned to whole buckets.
   *
   * @param newestHour the newest hour with data, used when {@code to} is not given (null: now)
   */
  long[] range(Long newestHour) {
    long end =
        bucket.ceil(
            to != null
                ? to
                : newestHour != null
                    ? newestHour + HourlyRetention.HOUR_MS
                    : System.currentTimeMillis());
    long start = bucket.floor(from != null ? from : end - span.toMillis());
    return new long[] {start, end};
  }

  private static Map<String, String> params(String raw) {
    Map<String, String> out = new LinkedHashMap<>();
    if (raw == null || raw.isEmpty()) {
      return out;
    }
    for (String pair : raw.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String name = decode(eq < 0 ? pair : pair.substring(0, eq));
      String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
      if (!NAMES.contains(name)) {
        throw new BadParameterException(
            Ids.show(name), "unknown parameter; use " + String.join(", ", sortedNames()));
      }
      if (value.isEmpty()) {
        continue; // an empty field of a form means "not given"
      }
      if (out.put(name, value) != null) {
        throw new BadParameterException(name, "given twice; give it once");
      }
    }
    return out;
  }

  private static java.util.List<String> sortedNames() {
    return NAMES.stream().sorted().toList();
  }

  private static String decode(String s) {
    try {
      return URLDecoder.decode(s, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new BadParameterException(Ids.show(s), "bad %-escape in the query string");
    }
  }

  private static Bucket bucket(String value) {
    if (value == null || value.equals("hour")) {
      return Bucket.HOUR;
    }
    if (value.equals("day")) {
      return Bucket.DAY;
    }
    throw new BadParameterException(
        "bucket", Ids.show(value) + " is not a bucket; use hour or day");
  }

  private static Duration span(String value) {
    Matcher m = SPAN.matcher(value);
    Duration d =
        !m.matches()
            ? null
            : m.group(2).equals("h")
                ? Duration.ofHours(Long.parseLong(m.group(1)))
                : Duration.ofDays(Long.parseLong(m.group(1)));
    if (d == null || d.isZero() || d.compareTo(MAX_SPAN) > 0) {
      throw new BadParameterException(
          "span",
          Ids.show(value)
              + " is not a span; use hours or days such as 24h or 7d, at most "
              + MAX_SPAN.toDays()
              + "d");
    }
    return d;
  }

  private static long time(String name, String value) {
    try {
      if (value.matches("\\d{1,15}")) {
        return Long.parseLong(value);
      }
      if (value.length() == 10) {
        return LocalDate.parse(value).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
      }
      return OffsetDateTime.parse(value).toInstant().toEpochMilli();
    } catch (DateTimeParseException e) {
      throw new BadParameterException(name, Ids.show(value) + " is not a time; give " + TIME_FORMS);
    }
  }
}
