package dev.vigil.deploy;

import dev.vigil.config.HttpAccess;
import picocli.CommandLine.Option;

/**
 * The {@code --http-host} and {@code --http-port} options of every service. Loopback by default;
 * any other address needs a token (site.yaml {@code http.token} or {@value HttpAccess#TOKEN_ENV}).
 */
final class HttpOptions {
  @Option(
      names = "--http-host",
      defaultValue = "127.0.0.1",
      description =
          "Address of /metrics, /health/live, /health/ready (and the processor's dashboard and"
              + " API). Any address but loopback needs http.token in site.yaml or "
              + HttpAccess.TOKEN_ENV
              + ". Default: ${DEFAULT-VALUE}")
  String host;

  @Option(names = "--http-port", description = "HTTP port (0 = any free port).")
  Integer port;

  @Option(
      names = "--advertise",
      paramLabel = "HOST",
      description =
          "Host name other processors use to reach this one's HTTP server, so every dashboard"
              + " answers for the whole plant. Default: --http-host, or this machine's name when"
              + " that is a wildcard.")
  String advertise;

  /** Where other instances reach this one: {@code host:port}. */
  String advertised(int port) {
    String h = advertise;
    if (h == null) {
      h = host;
      if (h.equals("0.0.0.0") || h.equals("::") || h.equals("[::]")) {
        try {
          h = java.net.InetAddress.getLocalHost().getCanonicalHostName();
        } catch (java.net.UnknownHostException e) {
          throw new VigilCli.UsageException(
              "cannot tell this machine's host name for other processors; pass --advertise HOST");
        }
      }
    }
    return h + ":" + port;
  }

  /** {@code port}, or a free one when it is 0 (it must be known before the streams start). */
  int resolved(int port) {
    if (port != 0) {
      return port;
    }
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      return s.getLocalPort();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("no free TCP port for --http-port 0", e);
    }
  }

  /** The port given, or the service's default. */
  int port(int serviceDefault) {
    if (port != null && (port < 0 || port > 65_535)) {
      throw new VigilCli.UsageException("--http-port must be in 0..65535, not " + port);
    }
    return port == null ? serviceDefault : port;
  }

  /** {@code configured} with the token from the environment when it has none; checked for host. */
  HttpAccess access(HttpAccess configured) {
    HttpAccess access = configured.withEnv(System.getenv());
    try {
      access.checkBind(host);
    } catch (IllegalArgumentException e) {
      throw new VigilCli.UsageException(e.getMessage());
    }
    return access;
  }
}
