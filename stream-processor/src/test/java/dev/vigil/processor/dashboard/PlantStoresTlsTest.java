package dev.vigil.processor.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.vigil.config.CameraStatus;
import dev.vigil.config.HttpAccess;
import dev.vigil.config.Pem;
import dev.vigil.config.TestCerts;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.streams.state.HostInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** With HTTPS on, a processor asks its peers for their stores over HTTPS, with the token. */
class PlantStoresTlsTest {
  @TempDir Path dir;

  @Test
  void shouldFetchAPeersStoreOverHttpsWhenTheSiteRunsTls() throws Exception {
    TestCerts.Pair cert = TestCerts.ca(dir, "ca").server("http");
    HttpAccess access =
        new HttpAccess("admin-token", null, null, cert.cert().toString(), cert.key().toString());
    HttpsServer peer =
        HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    peer.setHttpsConfigurator(
        new HttpsConfigurator(Pem.context(Pem.keyManagers(cert.cert(), cert.key()), null)));
    AtomicReference<String> presented = new AtomicReference<>();
    peer.createContext(
        "/api/local/stores/" + DashboardTopology.AVAILABILITY_STORE,
        ex -> {
          presented.set(ex.getRequestHeaders().getFirst("Authorization"));
          byte[] body =
              "{\"gate\":{\"camera\":\"gate\",\"availability\":\"online\",\"since\":1,\"last_frame\":2}}"
                  .getBytes(StandardCharsets.UTF_8);
          ex.sendResponseHeaders(200, body.length);
          ex.getResponseBody().write(body);
          ex.close();
        });
    peer.start();
    try {
      HostInfo where = new HostInfo("127.0.0.1", peer.getAddress().getPort());
      PlantStores plant =
          new PlantStores(
              name -> {
                throw new AssertionError("nothing is local");
              },
              name -> new PlantStores.Hosts(false, List.of(where)),
              access);

      Object status = plant.keyValueStore(DashboardTopology.AVAILABILITY_STORE).get("gate");

      assertThat(status).isEqualTo(new CameraStatus("gate", "online", 1, 2));
      assertThat(presented.get()).isEqualTo("Bearer admin-token");
    } finally {
      peer.stop(0);
    }
  }
}
