package dev.vigil.config.http;

import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.vigil.config.HttpAccess;
import dev.vigil.config.Json;
import dev.vigil.config.Pem;
import dev.vigil.config.VigilConfigException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;

/**
 * The HTTP server every Vigil service runs (the JDK's {@code com.sun.net.httpserver}): {@code
 * /health/live}, {@code /health/ready} and {@code /metrics} built in, further routes added by the
 * service, and {@link HttpAccess} applied to every route but the health probes. With {@link
 * HttpAccess#tls()} it speaks HTTPS only (the JDK's {@code HttpsServer}), health probes included.
 *
 * <p>Lifecycle: {@link #start} binds and serves; {@link #close} stops it and its threads.
 * Thread-safe.
 */
public final class ServiceHttp implements AutoCloseable {
  /** The content type of Prometheus text exposition 0.0.4. */
  public static final String METRICS_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  /**
   * A probe's answer: up or not, and why (text, or any value written as JSON, such as the state of
   * each check).
   */
  public record Health(boolean ready, Object detail) {
    public static Health ready(Object detail) {
      return new Health(true, detail);
    }

    public static Health notReady(Object detail) {
      return new Health(false, detail);
    }
  }

  /**
   * The liveness of a service with no part that can die for good on its own: live while it answers.
   */
  public static final Supplier<Health> ALWAYS_LIVE = () -> Health.ready("live");

  private final HttpServer server;
  private final ExecutorService handlers;
  private final HttpAccess access;

  private ServiceHttp(HttpServer server, ExecutorService handlers, HttpAccess access) {
    this.server = server;
    this.handlers = handlers;
    this.access = access;
  }

  /**
   * Binds {@code host:port} and serves the health probes and {@code /metrics}.
   *
   * @param name the service, for thread names
   * @param metrics the Prometheus text of the service's metrics, read at every scrape
   * @param liveness what {@code /health/live} answers: down when a part of the service died for
   *     good ({@link #ALWAYS_LIVE} when none can)
   * @param readiness whether the service is ready (its streams running, its brokers connected)
   * @throws IllegalArgumentException when {@code access} forbids an open server on {@code host}
   * @throws UncheckedIOException when the address cannot be bound
   */
  public static ServiceHttp start(
      String name,
      String host,
      int port,
      HttpAccess access,
      Supplier<String> metrics,
      Supplier<Health> liveness,
      Supplier<Health> readiness) {
    access.checkBind(host);
    HttpServer server;
    try {
      InetSocketAddress address = new InetSocketAddress(host, port);
      if (access.tls()) {
        HttpsServer https = HttpsServer.create(address, 0);
        https.setHttpsConfigurator(new HttpsConfigurator(tlsContext(access)));
        server = https;
      } else {
        server = HttpServer.create(address, 0);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot serve "
              + access.scheme().toUpperCase(java.util.Locale.ROOT)
              + " on "
              + host
              + ":"
              + port
              + ": "
              + e.getMessage(),
          e);
    }
    AtomicInteger n = new AtomicInteger();
    ExecutorService handlers =
        Executors.newFixedThreadPool(
            4,
            r -> {
              Thread t = new Thread(r, "vigil-" + name + "-http-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    server.setExecutor(handlers);
    ServiceHttp http = new ServiceHttp(server, handlers, access);
    server.createContext("/health/live", ex -> http.health(ex, liveness.get()));
    server.createContext("/health/ready", ex -> http.health(ex, readiness.get()));
    http.route(
        "/metrics",
        HttpAccess.Scope.METRICS,
        ex -> send(ex, 200, METRICS_TYPE, metrics.get().getBytes(StandardCharsets.UTF_8)));
    server.start();
    return http;
  }

  /**
   * The TLS context of the server certificate in {@code http.tls_cert_file} and {@code
   * http.tls_key_file}.
   *
   * @throws IllegalArgumentException naming the settings when a file cannot be used
   */
  private static SSLContext tlsContext(HttpAccess access) {
    try {
      return Pem.context(
          Pem.keyManagers(Path.of(access.tlsCertFile()), Path.of(access.tlsKeyFile())), null);
    } catch (VigilConfigException | InvalidPathException e) {
      throw new IllegalArgumentException(
          "cannot serve HTTPS with http.tls_cert_file "
              + access.tlsCertFile()
              + " and http.tls_key_file "
              + access.tlsKeyFile()
              + ": "
              + e.getMessage()
              + ". Give the server's PEM certificate and its unencrypted private key.",
          e);
    }
  }

  /** Serves {@code handler} under {@code path}, to requests whose token grants {@code needed}. */
  public void route(String path, HttpAccess.Scope needed, HttpHandler handler) {
    server.createContext(path, handler).getFilters().add(guard(needed));
  }

  /** The port the server listens on. */
  public int port() {
    return server.getAddress().getPort();
  }

  /** {@code https} when the server speaks TLS, else {@code http}. */
  public String scheme() {
    return access.scheme();
  }

  private Filter guard(HttpAccess.Scope needed) {
    return new Filter() {
      @Override
      public void doFilter(HttpExchange ex, Chain chain) throws IOException {
        if (access.allows(needed, ex.getRequestHeaders().getFirst("Authorization"))) {
          chain.doFilter(ex);
          return;
        }
        try (ex) {
          ex.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"vigil\"");
          send(
              ex,
              401,
              "application/json; charset=utf-8",
              ("{\"error\":\"a bearer token of scope "
                      + needed.name().toLowerCase(java.util.Locale.ROOT)
                      + " is required\"}")
                  .getBytes(StandardCharsets.UTF_8));
        }
      }

      @Override
      public String description() {
        return "bearer token of scope " + needed;
      }
    };
  }

  private void health(HttpExchange ex, Health h) throws IOException {
    try (ex) {
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("status", h.ready() ? "up" : "down");
      body.put("detail", h.detail());
      send(ex, h.ready() ? 200 : 503, "application/json; charset=utf-8", Json.toBytes(body));
    }
  }

  /** Writes a whole response; HEAD gets the headers only. */
  public static void send(HttpExchange ex, int status, String type, byte[] body)
      throws IOException {
    ex.getResponseHeaders().set("Content-Type", type);
    ex.getResponseHeaders().set("Cache-Control", "no-store");
    boolean head = ex.getRequestMethod().equals("HEAD");
    ex.sendResponseHeaders(status, head ? -1 : body.length);
    if (!head) {
      try (OutputStream out = ex.getResponseBody()) {
        out.write(body);
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
    handlers.shutdownNow();
  }
}
