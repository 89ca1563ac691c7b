package dev.vigil.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;

/**
 * Who may use a Vigil HTTP server, and over what: bearer tokens by scope, and optionally TLS. With
 * no token the server is open, which is allowed only on a loopback address ({@link #checkBind});
 * with one, every request but the health probes needs a token of sufficient scope, compared in
 * constant time. With {@link #tlsCertFile} and {@link #tlsKeyFile} the server speaks HTTPS only, so
 * tokens never cross the network in clear text.
 *
 * @param token admin scope: everything, including edits
 * @param readToken read scope: the dashboard, the REST API and metrics; or null
 * @param metricsToken metrics scope: {@code /metrics} only; or null
 * @param tlsCertFile PEM server certificate (then its chain), or null for plain HTTP
 * @param tlsKeyFile PEM private key of {@code tlsCertFile}, unencrypted, or null
 */
public record HttpAccess(
    String token, String readToken, String metricsToken, String tlsCertFile, String tlsKeyFile) {
  /** The environment variable that supplies {@link #token} when site.yaml sets none. */
  public static final String TOKEN_ENV = "VIGIL_HTTP_TOKEN";

  /** What a request needs, from least to most. */
  public enum Scope {
    METRICS,
    READ,
    ADMIN
  }

  public HttpAccess {
    token = blankToNull(token);
    readToken = blankToNull(readToken);
    metricsToken = blankToNull(metricsToken);
    tlsCertFile = blankToNull(tlsCertFile);
    tlsKeyFile = blankToNull(tlsKeyFile);
    if ((tlsCertFile == null) != (tlsKeyFile == null)) {
      throw new IllegalArgumentException(
          "http.tls_cert_file and http.tls_key_file go together: set both, or neither");
    }
  }

  /** Tokens only, plain HTTP. */
  public HttpAccess(String token, String readToken, String metricsToken) {
    this(token, readToken, metricsToken, null, null);
  }

  /** True when the server speaks HTTPS. */
  public boolean tls() {
    return tlsCertFile != null;
  }

  /** {@code https} or {@code http}, for the addresses a service prints. */
  public String scheme() {
    return tls() ? "https" : "http";
  }

  /** No tokens: open, for loopback binds only. */
  public static HttpAccess open() {
    return new HttpAccess(null, null, null);
  }

  /** This access, with {@link #token} from {@code env} ({@value #TOKEN_ENV}) when it has none. */
  public HttpAccess withEnv(Map<String, String> env) {
    return token != null
        ? this
        : new HttpAccess(env.get(TOKEN_ENV), readToken, metricsToken, tlsCertFile, tlsKeyFile);
  }

  /** The token one Vigil instance presents to another: read scope when set, else admin; or null. */
  public String peerToken() {
    return readToken != null ? readToken : token;
  }

  /**
   * The TLS context one instance uses to reach another's HTTPS server: it trusts the certificates
   * of {@code tls_cert_file} (the servers share it, or its CA), with host names verified as usual;
   * null for plain HTTP.
   */
  public javax.net.ssl.SSLContext peerContext() {
    return tls() ? Pem.context(null, Pem.trustManagers(java.nio.file.Path.of(tlsCertFile))) : null;
  }

  /** True when no token is set. */
  public boolean isOpen() {
    return token == null && readToken == null && metricsToken == null;
  }

  /**
   * Refuses an open server on any address but loopback: the dashboard shows camera frames, and the
   * metrics name cameras.
   *
   * @throws IllegalArgumentException naming the option to set
   */
  public void checkBind(String host) {
    if (isOpen() && !loopback(host)) {
      throw new IllegalArgumentException(
          "--http-host "
              + host
              + " is not a loopback address, and no HTTP token is set: set http.token in"
              + " site.yaml or the environment variable "
              + TOKEN_ENV
              + ", or keep --http-host 127.0.0.1");
    }
  }

  /** True for 127.0.0.0/8, ::1 and names that resolve only to them, such as localhost. */
  public static boolean loopback(String host) {
    try {
      for (InetAddress a : InetAddress.getAllByName(host)) {
        if (!a.isLoopbackAddress()) {
          return false;
        }
      }
      return true;
    } catch (UnknownHostException e) {
      return false;
    }
  }

  /**
   * Whether the {@code Authorization} header value grants {@code needed}. Always true when open.
   */
  public boolean allows(Scope needed, String authorization) {
    if (isOpen()) {
      return true;
    }
    String presented =
        authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)
            ? authorization.substring(7).trim()
            : null;
    if (presented == null) {
      return false;
    }
    // Every candidate is compared, so the time taken does not tell which one matched.
    boolean admin = same(token, presented);
    boolean read = same(readToken, presented);
    boolean metrics = same(metricsToken, presented);
    return switch (needed) {
      case ADMIN -> admin;
      case READ -> admin | read;
      case METRICS -> admin | read | metrics;
    };
  }

  private static boolean same(String expected, String presented) {
    return expected != null
        && MessageDigest.isEqual(
            expected.getBytes(StandardCharsets.UTF_8), presented.getBytes(StandardCharsets.UTF_8));
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }

  /** Never prints a token. */
  @Override
  public String toString() {
    return "HttpAccess[token=%s, readToken=%s, metricsToken=%s, tlsCertFile=%s, tlsKeyFile=%s]"
        .formatted(mask(token), mask(readToken), mask(metricsToken), tlsCertFile, tlsKeyFile);
  }

  private static String mask(String s) {
    return s == null ? null : "***";
  }
}
