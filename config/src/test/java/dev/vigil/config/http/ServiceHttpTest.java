package dev.vigil.config.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.config.HttpAccess;
import dev.vigil.config.Pem;
import dev.vigil.config.TestCerts;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ServiceHttp over HTTPS from PEM files, with real JDK HTTP clients on loopback. */
class ServiceHttpTest {
  private static final String TOKEN = "t0ken-for-tests";

  @TempDir Path dir;

  private static ServiceHttp start(HttpAccess access) {
    return ServiceHttp.start(
        "test",
        "127.0.0.1",
        0,
        access,
        () -> "vigil_test_total 1\n",
        ServiceHttp.ALWAYS_LIVE,
        () -> ServiceHttp.Health.ready("ok"));
  }

  private static HttpResponse<String> get(HttpClient client, String url, String token)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void shouldServeHttpsToAClientThatTrustsTheCaAndStillAskForTheToken() throws Exception {
    TestCerts.Ca ca = TestCerts.ca(dir, "ca");
    TestCerts.Pair server = ca.server("http");
    HttpAccess access =
        new HttpAccess(TOKEN, null, null, server.cert().toString(), server.key().toString());
    HttpClient trusting =
        HttpClient.newBuilder()
            .sslContext(Pem.context(null, Pem.trustManagers(ca.cert())))
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    try (ServiceHttp http = start(access)) {
      String url = "https://127.0.0.1:" + http.port() + "/metrics";

      HttpResponse<String> ok = get(trusting, url, TOKEN);
      HttpResponse<String> anonymous = get(trusting, url, null);

      assertThat(http.scheme()).isEqualTo("https");
      assertThat(ok.statusCode()).isEqualTo(200);
      assertThat(ok.body()).contains("vigil_test_total 1");
      assertThat(anonymous.statusCode()).isEqualTo(401);
    }
  }

  @Test
  void shouldRefusePlainHttpWhenTlsIsOn() throws Exception {
    TestCerts.Pair server = TestCerts.ca(dir, "ca").server("http");
    HttpAccess access =
        new HttpAccess(TOKEN, null, null, server.cert().toString(), server.key().toString());
    HttpClient plain = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    try (ServiceHttp http = start(access)) {
      String url = "http://127.0.0.1:" + http.port() + "/metrics";

      assertThatThrownBy(() -> get(plain, url, TOKEN)).isInstanceOf(IOException.class);
    }
  }

  @Test
  void shouldNameTheSettingsWhenTheKeyFileCannotBeRead() {
    TestCerts.Pair server = TestCerts.ca(dir, "ca").server("http");
    Path missing = dir.resolve("missing.key");
    HttpAccess access =
        new HttpAccess(TOKEN, null, null, server.cert().toString(), missing.toString());

    assertThatThrownBy(() -> start(access))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "cannot serve HTTPS with http.tls_cert_file "
                + server.cert()
                + " and http.tls_key_file "
                + missing
                + ": file "
                + missing
                + " does not exist. Give the server's PEM certificate and its unencrypted"
                + " private key.");
  }
}
