package dev.vigil.processor.dashboard;

import com.sun.net.httpserver.HttpExchange;
import dev.vigil.config.HttpAccess;
import dev.vigil.config.Ids;
import dev.vigil.config.http.ServiceHttp;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dashboard's HTTP server (the JDK's {@code com.sun.net.httpserver}):
 *
 * <ul>
 *   <li>{@code /}: the dashboard page, one static HTML file with inline CSS and JavaScript
 *   <li>{@code /api/*}: the JSON API of {@link DashboardApi}
 *   <li>{@code /events}: Server-Sent Events; each event is the JSON of {@code /api/snapshot},
 *       pushed on connect, within {@value #POLL_MS} ms of a change and at least every second
 *   <li>{@code /snapshots/<camera>.jpg}: the camera's latest frame, heads pixelated
 *   <li>{@code /evidence/<camera>/<violation id>.jpg}: a violation's stored snapshot, heads
 *       pixelated before it was stored
 *   <li>{@code /metrics}: {@link VigilMetrics} in the Prometheus text format
 *   <li>{@code /health/live}, {@code /health/ready}: probes (ready while the streams run)
 * </ul>
 *
 * <p>It runs on {@link ServiceHttp}, so an {@link HttpAccess} with tokens guards every route but
 * the probes, and an open server binds loopback only.
 *
 * <p>Lifecycle: the constructor binds and starts serving; {@link #close()} stops the server, ends
 * open event streams and releases its threads. It owns its threads, not the {@link DashboardApi} or
 * {@link VigilMetrics} it serves. Thread-safe.
 */
public final class DashboardServer implements AutoCloseable {
  /** How often the event stream checks for a change. */
  public static final long POLL_MS = 250;

  /** The most event-stream clients served at once; more get 503. */
  public static final int MAX_EVENT_CLIENTS = 64;

  private static final Logger LOG = LoggerFactory.getLogger(DashboardServer.class);
  private static final String JSON = "application/json; charset=utf-8";
  private static final long HEARTBEAT_MS = 1000;
  private static final Pattern EVIDENCE_PATH =
      Pattern.compile(
          "([^/]{1,64})/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\\.jpg");

  private final ServiceHttp http;
  private final ScheduledExecutorService broadcaster;
  private final DashboardApi api;
  private final VigilMetrics metrics;
  private volatile SnapshotStore snapshots;
  private volatile EvidenceSource evidence;
  private final byte[] page;
  private final Set<EventClient> clients = ConcurrentHashMap.newKeySet();

  /**
   * Binds {@code host:port} and starts serving.
   *
   * @param port the TCP port, or 0 for a free one (see {@link #port()})
   * @throws UncheckedIOException when the address cannot be bound
   */
  public DashboardServer(String host, int port, DashboardApi api, VigilMetrics metrics) {
    this(host, port, api, metrics, HttpAccess.open(), () -> ServiceHttp.Health.ready("serving"));
  }

  /**
   * Binds {@code host:port} and starts serving, guarded by {@code access}.
   *
   * @param readiness what {@code /health/ready} answers
   * @throws IllegalArgumentException when {@code access} has no token and {@code host} is not
   *     loopback
   */
  public DashboardServer(
      String host,
      int port,
      DashboardApi api,
      VigilMetrics metrics,
      HttpAccess access,
      Supplier<ServiceHttp.Health> readiness) {
    this.api = api;
    this.metrics = metrics;
    this.page = loadPage();
    this.http =
        ServiceHttp.start(
            "dashboard", host, port, access, metrics::render, ServiceHttp.ALWAYS_LIVE, readiness);
    this.broadcaster =
        Executors.newSingleThreadScheduledExecutor(daemonThreads("vigil-dashboard-events"));
    http.route("/", HttpAccess.Scope.READ, this::handlePage);
    http.route("/api/", HttpAccess.Scope.READ, this::handleApi);
    http.route("/events", HttpAccess.Scope.READ, this::handleEvents);
    http.route("/snapshots/", HttpAccess.Scope.READ, this::handleSnapshot);
    http.route(
        "/evidence/", HttpAccess.Scope.READ, ex -> handleEvidence(ex, "/evidence/", evidence));
    broadcaster.scheduleWithFixedDelay(this::broadcast, POLL_MS, POLL_MS, TimeUnit.MILLISECONDS);
    LOG.info("dashboard at http://{}:{}/", host, port());
  }

  /**
   * Serves the dashboard of a running Vigil streams app: the API reads {@code streams} through
   * interactive queries, {@code metrics} starts reading its consumer lag from {@code streams}, and
   * {@code /health/ready} answers ready while the streams are RUNNING. The caller still owns {@code
   * streams} and closes this server before it.
   */
  public static DashboardServer forStreams(
      KafkaStreams streams,
      String host,
      int port,
      VigilMetrics metrics,
      HttpAccess access,
      HostInfo self) {
    metrics.lagFromStreams(streams);
    StoreAccess local = StoreAccess.of(streams);
    // With application.server set, every processor answers for the whole plant.
    PlantStores plant =
        self == null ? null : new PlantStores(local, PlantStores.hostsOf(streams, self), access);
    EvidenceSource localEvidence = EvidenceSource.local(local);
    DashboardServer server =
        new DashboardServer(
            host,
            port,
            new DashboardApi(plant == null ? local : plant),
            metrics,
            access,
            () -> {
              KafkaStreams.State state = streams.state();
              return state == KafkaStreams.State.RUNNING
                  ? ServiceHttp.Health.ready("streams " + state)
                  : ServiceHttp.Health.notReady("streams " + state);
            });
    server.withEvidence(
        plant == null ? localEvidence : plant.evidence(PlantStores.evidenceOwner(streams, self)));
    // What other processors ask for: only this instance's snapshots, never forwarded again.
    server.http.route(
        "/api/local/evidence/",
        HttpAccess.Scope.READ,
        ex -> server.handleEvidence(ex, "/api/local/evidence/", localEvidence));
    server.http.route(
        "/api/local/stores/",
        HttpAccess.Scope.READ,
        ex -> {
          try (ex) {
            String name = ex.getRequestURI().getPath().substring("/api/local/stores/".length());
            DashboardApi.Response r;
            if (!PlantStores.VALUE_TYPES.containsKey(name)) {
              r = DashboardApi.Response.error(404, "no dashboard store " + name);
            } else {
              try {
                r = new DashboardApi.Response(200, PlantStores.localEntries(local, name));
              } catch (DashboardUnavailableException e) {
                r = DashboardApi.Response.error(503, e.getMessage());
              }
            }
            send(ex, r.status(), JSON, r);
          }
        });
    return server;
  }

  /**
   * Serves each camera's latest frame at {@code /snapshots/<camera>.jpg}, faces pixelated and boxes
   * drawn. Without it, the page draws boxes on a grey frame.
   */
  public DashboardServer withSnapshots(SnapshotStore snapshots) {
    this.snapshots = snapshots;
    return this;
  }

  /**
   * Serves violations' evidence at {@code /evidence/<camera>/<violation id>.jpg}: the snapshot
   * stored when the violation opened, heads pixelated before it was stored.
   */
  public DashboardServer withEvidence(EvidenceSource evidence) {
    this.evidence = evidence;
    return this;
  }

  private void handleEvidence(HttpExchange ex, String prefix, EvidenceSource source)
      throws IOException {
    try (ex) {
      if (!allowGet(ex)) {
        return;
      }
      String path = ex.getRequestURI().getPath();
      Matcher m = EVIDENCE_PATH.matcher(path.substring(prefix.length()));
      if (!m.matches() || !Ids.valid(m.group(1))) {
        send(
            ex,
            404,
            JSON,
            DashboardApi.Response.error(
                404, "no evidence at " + path + "; use " + prefix + "<camera>/<violation id>.jpg"));
        return;
      }
      byte[] jpeg;
      try {
        jpeg = source == null ? null : source.jpeg(m.group(1), m.group(2));
      } catch (DashboardUnavailableException e) {
        ex.getResponseHeaders().set("Retry-After", "1");
        send(ex, 503, JSON, DashboardApi.Response.error(503, e.getMessage()));
        return;
      }
      if (jpeg == null) {
        send(
            ex,
            404,
            JSON,
            DashboardApi.Response.error(
                404,
                "no snapshot kept for violation "
                    + m.group(2)
                    + " (none was taken, or it is older than "
                    + EvidenceSnapshots.RETENTION.toHours()
                    + " h)"));
      } else {
        ex.getResponseHeaders().set("Cache-Control", "no-store");
        send(ex, 200, "image/jpeg", jpeg);
      }
    }
  }

  private void handleSnapshot(HttpExchange ex) throws IOException {
    try (ex) {
      if (!allowGet(ex)) {
        return;
      }
      String path = ex.getRequestURI().getPath();
      String name = path.substring("/snapshots/".length());
      SnapshotStore store = snapshots;
      byte[] jpeg =
          store == null || !name.endsWith(".jpg")
              ? null
              : store.render(name.substring(0, name.length() - ".jpg".length()));
      if (jpeg == null) {
        send(ex, 404, JSON, DashboardApi.Response.error(404, "no snapshot at " + path));
      } else {
        ex.getResponseHeaders().set("Cache-Control", "no-store");
        send(ex, 200, "image/jpeg", jpeg);
      }
    }
  }

  /** The port the server listens on. */
  public int port() {
    return http.port();
  }

  @Override
  public void close() {
    broadcaster.shutdownNow();
    for (EventClient c : clients) {
      c.close();
    }
    clients.clear();
    http.close();
  }

  private void handlePage(HttpExchange ex) throws IOException {
    try (ex) {
      if (!allowGet(ex)) {
        return;
      }
      String path = ex.getRequestURI().getPath();
      if (path.equals("/") || path.equals("/index.html")) {
        send(ex, 200, "text/html; charset=utf-8", page);
      } else {
        send(ex, 404, JSON, DashboardApi.Response.error(404, "no such resource " + path));
      }
    }
  }

  private void handleApi(HttpExchange ex) throws IOException {
    try (ex) {
      if (!allowGet(ex)) {
        return;
      }
      DashboardApi.Response r;
      try {
        r = api.get(ex.getRequestURI().getPath(), ex.getRequestURI().getRawQuery());
      } catch (RuntimeException e) {
        LOG.warn("dashboard API failed on {}", ex.getRequestURI(), e);
        r = DashboardApi.Response.error(500, "internal error: " + e);
      }
      if (r.status() == 503) {
        ex.getResponseHeaders().set("Retry-After", "1");
      }
      if (r.contentType().equals(DashboardApi.Response.CSV)) {
        ex.getResponseHeaders()
            .set("Content-Disposition", "attachment; filename=\"vigil-history.csv\"");
      }
      send(ex, r.status(), r.contentType(), r);
    }
  }

  private void handleEvents(HttpExchange ex) throws IOException {
    if (!allowGet(ex)) {
      ex.close();
      return;
    }
    if (clients.size() >= MAX_EVENT_CLIENTS) {
      try (ex) {
        send(ex, 503, JSON, DashboardApi.Response.error(503, "too many event-stream clients"));
      }
      return;
    }
    ex.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
    ex.getResponseHeaders().set("Cache-Control", "no-cache");
    ex.sendResponseHeaders(200, 0);
    EventClient client = new EventClient(ex);
    // The first event goes out before the client is shared, so only one thread ever writes to it.
    if (client.send("retry: 2000\n", snapshotJson())) {
      clients.add(client);
    }
    // The exchange stays open: the broadcaster writes to it until the client leaves or close().
  }

  private void broadcast() {
    try {
      if (clients.isEmpty()) {
        return;
      }
      String json = snapshotJson();
      long now = System.currentTimeMillis();
      for (EventClient c : clients) {
        if (!json.equals(c.lastJson) || now - c.lastSentMs >= HEARTBEAT_MS) {
          if (!c.send("", json)) {
            clients.remove(c);
          }
        }
      }
    } catch (RuntimeException e) {
      // A failed tick must not cancel the schedule.
      LOG.warn("dashboard event broadcast failed", e);
    }
  }

  private String snapshotJson() {
    return api.get("/api/snapshot").body();
  }

  private static boolean allowGet(HttpExchange ex) throws IOException {
    String m = ex.getRequestMethod();
    if (m.equals("GET") || m.equals("HEAD")) {
      return true;
    }
    ex.getResponseHeaders().set("Allow", "GET, HEAD");
    send(ex, 405, JSON, DashboardApi.Response.error(405, "method " + m + " not allowed; use GET"));
    return false;
  }

  private static void send(HttpExchange ex, int status, String type, DashboardApi.Response r)
      throws IOException {
    send(ex, status, type, r.body().getBytes(StandardCharsets.UTF_8));
  }

  private static void send(HttpExchange ex, int status, String type, byte[] body)
      throws IOException {
    ServiceHttp.send(ex, status, type, body);
  }

  private static byte[] loadPage() {
    try (InputStream in = DashboardServer.class.getResourceAsStream("index.html")) {
      if (in == null) {
        throw new IllegalStateException("index.html is missing beside DashboardServer");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the dashboard page", e);
    }
  }

  private static java.util.concurrent.ThreadFactory daemonThreads(String name) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, name + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  /** One open event stream. Written by one thread at a time (see handleEvents). */
  private static final class EventClient {
    private final HttpExchange exchange;
    private final OutputStream out;
    private volatile String lastJson;
    private volatile long lastSentMs;

    EventClient(HttpExchange exchange) {
      this.exchange = exchange;
      this.out = exchange.getResponseBody();
    }

    /** Sends one event; false (and closed) when the client has gone. */
    boolean send(String prefix, String json) {
      try {
        out.write((prefix + "data: " + json + "\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
        lastJson = json;
        lastSentMs = System.currentTimeMillis();
        return true;
      } catch (IOException e) {
        close();
        return false;
      }
    }

    void close() {
      exchange.close();
    }
  }
}
