package dev.vigil.alerts;

import dev.vigil.config.Pem;
import dev.vigil.config.SiteConfig;
import dev.vigil.config.VigilConfigException;
import java.nio.file.Path;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;

/**
 * Builds the TLS socket factory of an MQTT connection from PEM files: it trusts exactly the CAs of
 * {@code mqtt.ca_file} (or the JVM's when unset) and presents the client certificate of {@code
 * mqtt.cert_file} and {@code mqtt.key_file} when set.
 */
final class PemTrust {
  private PemTrust() {}

  /**
   * @throws AlertsException naming the setting and the file when one cannot be read
   */
  static SSLSocketFactory socketFactory(SiteConfig.Mqtt mqtt) {
    return Pem.context(keyManagers(mqtt), trustManagers(mqtt)).getSocketFactory();
  }

  /** The CAs of {@code mqtt.ca_file}, or null for the JVM's truststore. */
  static TrustManager[] trustManagers(SiteConfig.Mqtt mqtt) {
    if (mqtt.caFile() == null) {
      return null;
    }
    return read(
        "mqtt.ca_file",
        " It must be the PEM certificate of the CA that signed the broker's certificate.",
        () -> Pem.trustManagers(Path.of(mqtt.caFile())));
  }

  /** The client certificate of {@code mqtt.cert_file} and {@code mqtt.key_file}, or null. */
  static KeyManager[] keyManagers(SiteConfig.Mqtt mqtt) {
    if (mqtt.certFile() == null || mqtt.keyFile() == null) {
      return null;
    }
    return read(
        "mqtt.cert_file and mqtt.key_file",
        " They must be the PEM client certificate that the broker's CA signed and its"
            + " unencrypted private key.",
        () -> Pem.keyManagers(Path.of(mqtt.certFile()), Path.of(mqtt.keyFile())));
  }

  private static <T> T read(String setting, String fix, java.util.function.Supplier<T> pem) {
    try {
      return pem.get();
    } catch (VigilConfigException e) {
      throw new AlertsException("MQTT " + setting + ": " + e.getMessage() + "." + fix, e);
    }
  }
}
