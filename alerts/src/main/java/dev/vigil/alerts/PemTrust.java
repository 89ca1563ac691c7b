package dev.vigil.alerts;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;

/** Builds a TLS socket factory that trusts exactly the CA certificates of one PEM file. */
final class PemTrust {
  private PemTrust() {}

  static SSLSocketFactory socketFactory(String caFile) {
    Path path = Path.of(caFile);
    if (!Files.isRegularFile(path)) {
      throw new AlertsException(
          "MQTT CA file "
              + path.toAbsolutePath()
              + " does not exist or is not a file. Check mqtt.ca_file: it must be the PEM"
              + " certificate of the CA that signed the broker's certificate.");
    }
    try (InputStream in = Files.newInputStream(path)) {
      Collection<? extends Certificate> certs =
          CertificateFactory.getInstance("X.509").generateCertificates(in);
      if (certs.isEmpty()) {
        throw new AlertsException(
            "MQTT CA file " + path + " holds no PEM certificate. Check mqtt.ca_file.");
      }
      KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
      trust.load(null, null);
      int i = 0;
      for (Certificate cert : certs) {
        trust.setCertificateEntry("ca-" + i++, cert);
      }
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, tmf.getTrustManagers(), null);
      return context.getSocketFactory();
    } catch (IOException | GeneralSecurityException e) {
      throw new AlertsException(
          "cannot read MQTT CA file " + path + " (mqtt.ca_file): " + e.getMessage(), e);
    }
  }
}
