package dev.vigil.deploy;

import dev.vigil.config.http.HttpAccess;
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
