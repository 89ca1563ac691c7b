package dev.vigil.processor.dashboard;

import dev.vigil.config.Box;
import dev.vigil.config.CameraStatus;
import dev.vigil.config.Json;
import dev.vigil.config.Observation;
import dev.vigil.config.Person;
import dev.vigil.config.Violation;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * The dashboard's REST API: read-only JSON views over the stores of {@link DashboardTopology}.
 *
 * <ul>
 *   <li>{@code GET /api/cameras}: every camera with its newest observation's counts and boxes, its
 *       compliance and the current answers of its violating prompts
 *   <li>{@code GET /api/cameras/{id}}: one camera, 404 when unknown
 *   <li>{@code GET /api/compliance}: percent of judged heads with a helmet over each camera's last
 *       hour of event time
 *   <li>{@code GET /api/violations/open}: the open violations, oldest first
 *   <li>{@code GET /api/history}: the violation events of the newest UTC day seen, oldest first
 *   <li>{@code GET /api/snapshot}: cameras, open violations and history together (what {@code
 *       /events} pushes)
 *   <li>{@code GET /api/history/hours}: compliance and violation counts per hour or day, camera,
 *       zone and prompt over the last 30 days ({@link HistoryQuery} has the parameters, {@link
 *       HourlyReport#DEFINITION} says what compliance means)
 *   <li>{@code GET /api/history.csv}: the same rows as CSV
 * </ul>
 *
 * Errors are JSON too: {@code {"status":404,"error":"..."}}; 503 while the stores cannot be
 * queried; 400 for a bad query parameter, with {@code "parameter"} naming it.
 *
 * <p>Thread-safe and stateless apart from the {@link StoreAccess} it reads; it owns nothing to
 * close.
 */
public final class DashboardApi {
  private final StoreAccess stores;

  public DashboardApi(StoreAccess stores) {
    this.stores = Objects.requireNonNull(stores, "stores");
  }

  /**
   * A JSON response.
   *
   * @param status HTTP status
   * @param body JSON text
   */
  public record Response(int status, String body, String contentType) {
    /** JSON. */
    public static final String JSON = "application/json; charset=utf-8";

    /** CSV (RFC 4180). */
    public static final String CSV = "text/csv; charset=utf-8";

    /** A JSON response. */
    public Response(int status, String body) {
      this(status, body, JSON);
    }

    static Response ok(Object value) {
      return new Response(200, Json.toString(value));
    }

    static Response error(int status, String message) {
      return error(status, message, Map.of());
    }

    private static Response error(int status, String message, Map<String, Object> more) {
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("status", status);
      body.put("error", message);
      body.putAll(more);
      return new Response(status, Json.toString(body));
    }

    static Response badParameter(HistoryQuery.BadParameterException e) {
      return error(400, e.getMessage(), Map.of("parameter", e.parameter()));
    }
  }

  /** People in a frame, by helmet judgement. */
  public record Counts(int people, int helmet, int noHelmet, int unknown) {}

  /**
   * A box to draw, normalised to the frame.
   *
   * @param label {@code person} or {@code head}
   * @param helmet the person's helmet judgement, null when unknown
   */
  public record BoxView(String label, Box box, Boolean helmet, Double score, Long trackId) {}

  /**
   * Compliance of one camera over the hour ending at its newest observation.
   *
   * @param percent helmet / (helmet + no helmet) x 100, or null when no head was judged
   * @param text the percent with one decimal and a % sign, or {@code n/a}
   * @param windowStart first millisecond of the hour
   * @param windowEnd the newest observation's event time
   */
  public record ComplianceView(
      String camera,
      Double percent,
      String text,
      long helmet,
      long noHelmet,
      long unknown,
      long windowStart,
      long windowEnd) {}

  /**
   * The current answer of one prompt that is violating on a camera (the dashboard only hears about
   * prompts through their violations).
   */
  public record Answer(
      String prompt,
      String text,
      Double answer,
      Violation.Severity severity,
      long since,
      String violation) {}

  /** One camera as the dashboard shows it. */
  public record CameraView(
      String id,
      long latestTimestamp,
      long seq,
      int width,
      int height,
      Counts counts,
      List<BoxView> boxes,
      ComplianceView compliance,
      List<Answer> answers,
      int openViolations,
      boolean snapshotStored,
      String availability) {}

  /** The violation events of one UTC day. */
  public record History(String day, List<HistoryEvent> events) {}

  /** Everything the page shows. */
  public record Snapshot(
      List<CameraView> cameras, List<Violation> openViolations, History history) {}

  /**
   * Answers {@code GET path} (the path only, without the query string). Never throws for a bad path
   * or unavailable stores: those become 404 and 503 responses.
   */
  public Response get(String path) {
    return get(path, null);
  }

  /**
   * Answers {@code GET path?query}; {@code query} is the raw query string, or null. Never throws
   * for a bad path, a bad parameter or unavailable stores: those become 404, 400 and 503 responses.
   */
  public Response get(String path, String query) {
    try {
      return route(path, query);
    } catch (HistoryQuery.BadParameterException e) {
      return Response.badParameter(e);
    } catch (DashboardUnavailableException | InvalidStateStoreException e) {
      return Response.error(503, "dashboard unavailable, retry shortly: " + e.getMessage());
    }
  }

  private Response route(String path, String query) {
    String p =
        path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    switch (p) {
      case "/api/cameras":
        return Response.ok(Map.of("cameras", cameras()));
      case "/api/compliance":
        return Response.ok(
            Map.of("window_ms", ComplianceWindow.WINDOW_MS, "cameras", compliance()));
      case "/api/violations/open":
        return Response.ok(Map.of("violations", openViolations()));
      case "/api/history":
        return Response.ok(history());
      case "/api/snapshot":
        return Response.ok(snapshot());
      case "/api/history/hours":
        return Response.ok(hourly(HistoryQuery.parse(query)));
      case "/api/history.csv":
        return new Response(200, HourlyReport.csv(hourly(HistoryQuery.parse(query))), Response.CSV);
      default:
        break;
    }
    if (p.startsWith("/api/cameras/")) {
      String id = URLDecoder.decode(p.substring("/api/cameras/".length()), StandardCharsets.UTF_8);
      return camera(id)
          .map(Response::ok)
          .orElseGet(() -> Response.error(404, "no camera '" + id + "' has been seen"));
    }
    return Response.error(
        404,
        "no such resource "
            + path
            + "; try /api/cameras, /api/compliance, /api/violations/open, /api/history,"
            + " /api/history/hours, /api/history.csv");
  }

  /** Everything the page shows, read once. */
  public Snapshot snapshot() {
    List<Violation> open = openViolations();
    return new Snapshot(cameras(open), open, history());
  }

  /** Every camera seen, by id. */
  public List<CameraView> cameras() {
    return cameras(openViolations());
  }

  /** One camera, or empty when it has not been seen. */
  public Optional<CameraView> camera(String id) {
    Observation obs = this.<Observation>store(DashboardTopology.LATEST_STORE).get(id);
    if (obs == null) {
      return Optional.empty();
    }
    ComplianceWindow window =
        this.<ComplianceWindow>store(DashboardTopology.COMPLIANCE_STORE).get(id);
    return Optional.of(view(id, obs, window, openViolations(), availability(id)));
  }

  private List<CameraView> cameras(List<Violation> open) {
    ReadOnlyKeyValueStore<String, ComplianceWindow> windows =
        store(DashboardTopology.COMPLIANCE_STORE);
    List<CameraView> out = new ArrayList<>();
    for (KeyValue<String, Observation> kv :
        all(this.<Observation>store(DashboardTopology.LATEST_STORE))) {
      out.add(view(kv.key, kv.value, windows.get(kv.key), open, availability(kv.key)));
    }
    out.sort(Comparator.comparing(CameraView::id));
    return out;
  }

  /** Compliance of every camera over the hour ending at its newest observation, by camera id. */
  public List<ComplianceView> compliance() {
    ReadOnlyKeyValueStore<String, Observation> latest = store(DashboardTopology.LATEST_STORE);
    List<ComplianceView> out = new ArrayList<>();
    for (KeyValue<String, ComplianceWindow> kv :
        all(this.<ComplianceWindow>store(DashboardTopology.COMPLIANCE_STORE))) {
      Observation obs = latest.get(kv.key);
      out.add(compliance(kv.key, kv.value, newest(obs, kv.value)));
    }
    out.sort(Comparator.comparing(ComplianceView::camera));
    return out;
  }

  /** The open violations, oldest first. */
  public List<Violation> openViolations() {
    List<Violation> out = new ArrayList<>();
    for (KeyValue<String, Violation> kv :
        all(this.<Violation>store(DashboardTopology.OPEN_VIOLATIONS_STORE))) {
      out.add(kv.value);
    }
    out.sort(Comparator.comparingLong(Violation::started).thenComparing(Violation::id));
    return out;
  }

  /**
   * The violation events of the newest UTC day in the history (event time: the day of the newest
   * event), oldest first. Partitions that have not yet seen the new day may still hold the previous
   * one; those events are left out.
   */
  public History history() {
    List<HistoryEvent> events = new ArrayList<>();
    for (KeyValue<String, HistoryEvent> kv :
        all(this.<HistoryEvent>store(DashboardTopology.HISTORY_STORE))) {
      events.add(kv.value);
    }
    if (events.isEmpty()) {
      return new History(null, List.of());
    }
    events.sort(
        Comparator.comparingLong(HistoryEvent::timestamp)
            .thenComparing(e -> e.violation().id())
            .thenComparing(e -> e.violation().state()));
    long newest = events.get(events.size() - 1).timestamp();
    long dayStart = ViolationTracker.startOfUtcDay(newest);
    List<HistoryEvent> today = new ArrayList<>();
    for (HistoryEvent e : events) {
      if (e.timestamp() >= dayStart) {
        today.add(e);
      }
    }
    String day = Instant.ofEpochMilli(dayStart).atZone(ZoneOffset.UTC).toLocalDate().toString();
    return new History(day, today);
  }

  /** Compliance and violation counts per bucket, camera, zone and prompt. */
  public HourlyReport.Report hourly(HistoryQuery query) {
    return HourlyReport.build(
        query,
        this.<HourlyCompliance>store(DashboardTopology.HOURLY_COMPLIANCE_STORE),
        this.<HourlyViolations>store(DashboardTopology.HOURLY_VIOLATIONS_STORE));
  }

  /** {@code online} or {@code offline}; a camera with no status yet counts as online. */
  private String availability(String camera) {
    CameraStatus s = this.<CameraStatus>store(DashboardTopology.AVAILABILITY_STORE).get(camera);
    return s == null ? CameraStatus.ONLINE : s.availability();
  }

  private static CameraView view(
      String id,
      Observation obs,
      ComplianceWindow window,
      List<Violation> open,
      String availability) {
    int helmet = 0;
    int noHelmet = 0;
    int unknown = 0;
    List<BoxView> boxes = new ArrayList<>();
    for (Person p : obs.people()) {
      if (Boolean.TRUE.equals(p.helmet())) {
        helmet++;
      } else if (Boolean.FALSE.equals(p.helmet())) {
        noHelmet++;
      } else {
        unknown++;
      }
      if (p.box() != null) {
        boxes.add(new BoxView("person", p.box(), p.helmet(), p.score(), p.trackId()));
      }
      if (p.head() != null) {
        boxes.add(new BoxView("head", p.head(), p.helmet(), p.helmetProbability(), p.trackId()));
      }
    }
    List<Answer> answers = new ArrayList<>();
    for (Violation v : open) {
      if (id.equals(v.camera())) {
        answers.add(
            new Answer(
                v.prompt() == null ? null : v.prompt().id(),
                v.prompt() == null ? null : v.prompt().text(),
                v.answer(),
                v.severity(),
                v.started(),
                v.id()));
      }
    }
    ComplianceWindow w = window == null ? new ComplianceWindow(null) : window;
    return new CameraView(
        id,
        obs.timestamp(),
        obs.seq(),
        obs.width(),
        obs.height(),
        new Counts(obs.people().size(), helmet, noHelmet, unknown),
        boxes,
        compliance(id, w, newest(obs, w)),
        answers,
        answers.size(),
        false,
        availability);
  }

  private static long newest(Observation obs, ComplianceWindow window) {
    if (obs != null) {
      return obs.timestamp();
    }
    List<ComplianceWindow.Bucket> b = window.buckets();
    return b.isEmpty() ? 0 : b.get(b.size() - 1).minute();
  }

  private static ComplianceView compliance(String camera, ComplianceWindow window, long newest) {
    ComplianceWindow.Totals t = window.totals(newest);
    Double percent = t.percent();
    String text = percent == null ? "n/a" : String.format(Locale.ROOT, "%.1f%%", percent);
    return new ComplianceView(
        camera,
        percent,
        text,
        t.helmet(),
        t.noHelmet(),
        t.unknown(),
        ComplianceWindow.oldestMinute(newest),
        newest);
  }

  @SuppressWarnings("unchecked")
  private <V> ReadOnlyKeyValueStore<String, V> store(String name) {
    return (ReadOnlyKeyValueStore<String, V>) stores.keyValueStore(name);
  }

  private static <V> List<KeyValue<String, V>> all(ReadOnlyKeyValueStore<String, V> store) {
    List<KeyValue<String, V>> out = new ArrayList<>();
    try (KeyValueIterator<String, V> it = store.all()) {
      it.forEachRemaining(out::add);
    }
    return out;
  }
}
