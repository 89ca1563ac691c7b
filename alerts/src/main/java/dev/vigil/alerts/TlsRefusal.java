package dev.vigil.alerts;

import dev.vigil.config.Pem;
import dev.vigil.config.SiteConfig;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Path;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Set;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * Tells why a TLS connection to the MQTT broker failed: this client distrusting the broker, or the
 * broker refusing this client's certificate. The broker's alert does not always reach the client:
 * when it refuses the certificate it may close the socket while the JDK is still writing its
 * handshake, and Paho sees only a broken pipe. {@link #probe} then repeats the handshake alone and
 * tells whether the broker asked for a client certificate before it hung up, and compares the
 * issuers it named (mosquitto names none) with the configured certificate. Stateless.
 */
final class TlsRefusal {
  private static final String ALERT = "Received fatal alert: ";

  /** TLS alerts with which a broker refuses a client certificate (RFC 8446 section 6.2). */
  private static final Set<String> CLIENT_CERTIFICATE_ALERTS =
      Set.of(
          "certificate_required",
          "bad_certificate",
          "unknown_ca",
          "certificate_unknown",
          "certificate_expired",
          "certificate_revoked",
          "unsupported_certificate",
          "access_denied");

  private static final int PROBE_TIMEOUT_MS = 3_000;

  private TlsRefusal() {}

  /** The first {@link SSLException} in {@code e}'s causes, or null. */
  static SSLException find(Throwable e) {
    for (Throwable c = e; c != null; c = c.getCause()) {
      if (c instanceof SSLException ssl) {
        return ssl;
      }
    }
    return null;
  }

  /**
   * Why the broker refused this client's certificate, or null when {@code e} says something else
   * (such as this client distrusting the broker).
   */
  static String clientCertificateRefusal(SSLException e) {
    String message = String.valueOf(e.getMessage());
    if (message.startsWith(ALERT)
        && CLIENT_CERTIFICATE_ALERTS.contains(message.substring(ALERT.length()).trim())) {
      return message;
    }
    return null;
  }

  /**
   * Repeats the TLS handshake with {@code mqtt}'s settings and tells whether the broker refuses the
   * client certificate.
   *
   * @return why the broker refuses the client certificate (or its absence); null when it did not,
   *     or when that cannot be told
   */
  static String probe(SiteConfig.Mqtt mqtt) {
    KeyManager[] keys = PemTrust.keyManagers(mqtt);
    Recording recording =
        keys == null
            ? new Recording(null, null)
            : new Recording(
                (X509ExtendedKeyManager) keys[0],
                Pem.certificates(Path.of(mqtt.certFile())).get(0));
    URI uri = URI.create(mqtt.url());
    try (SSLSocket socket =
        (SSLSocket)
            Pem.context(new KeyManager[] {recording}, PemTrust.trustManagers(mqtt))
                .getSocketFactory()
                .createSocket()) {
      socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), PROBE_TIMEOUT_MS);
      socket.setSoTimeout(PROBE_TIMEOUT_MS);
      socket.startHandshake();
      // TLS 1.3: the broker checks the certificate after the handshake. It waits for CONNECT, so
      // a read returns only its alert, or times out when it accepted the certificate.
      socket.getInputStream().read();
      return null;
    } catch (SSLException e) {
      String refusal = clientCertificateRefusal(e);
      return refusal != null ? refusal : recording.mismatch();
    } catch (IOException | RuntimeException e) {
      // A closed socket during the handshake: the broker's alert was lost, so compare issuers.
      return recording.mismatch();
    }
  }

  /** Who issued the client certificate of {@code mqtt.cert_file}, for messages; or null. */
  static String issuer(SiteConfig.Mqtt mqtt) {
    if (mqtt == null || mqtt.certFile() == null) {
      return null;
    }
    try {
      return Pem.certificates(Path.of(mqtt.certFile())).get(0).getIssuerX500Principal().getName();
    } catch (RuntimeException e) {
      return null;
    }
  }

  /** Presents the configured certificate (if any) and remembers which issuers the broker asked. */
  private static final class Recording extends X509ExtendedKeyManager {
    private final X509ExtendedKeyManager delegate;
    private final X509Certificate own;
    private volatile Principal[] asked;

    Recording(X509ExtendedKeyManager delegate, X509Certificate own) {
      this.delegate = delegate;
      this.own = own;
    }

    /** What is wrong with the certificate the broker asked for, or null when nothing is known. */
    String mismatch() {
      Principal[] issuers = asked;
      if (issuers == null) {
        return null; // the broker never asked for a client certificate
      }
      String wanted =
          issuers.length == 0
              ? "a client certificate"
              : "a client certificate issued by " + Arrays.toString(issuers);
      if (delegate == null) {
        return "the broker requires " + wanted + ", and none is configured";
      }
      Principal issuer = own.getIssuerX500Principal();
      if (issuers.length > 0 && Arrays.stream(issuers).noneMatch(issuer::equals)) {
        return "the broker requires " + wanted + ", but the certificate is issued by " + issuer;
      }
      // mosquitto names no issuers; it asked, got this certificate and hung up.
      return "the broker asked for a client certificate and closed the connection when it got"
          + " this one";
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
      asked = issuers == null ? new Principal[0] : issuers;
      // Offer the configured certificate even to a broker that asks for other issuers, so that
      // the broker says what it thinks of it.
      return delegate == null ? null : delegate.chooseClientAlias(keyType, null, socket);
    }

    @Override
    public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine e) {
      return chooseClientAlias(keyType, issuers, null);
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
      return delegate == null ? null : delegate.getCertificateChain(alias);
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
      return delegate == null ? null : delegate.getPrivateKey(alias);
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
      return delegate == null ? null : delegate.getClientAliases(keyType, issuers);
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
      return null;
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
      return null;
    }
  }
}
