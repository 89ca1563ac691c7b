package dev.vigil.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.config.SiteConfig;
import dev.vigil.config.SiteConfigLoader;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The site.yaml files that the compose setup and the Debian package ship load as the services load
 * them, take their secrets from the environment, and find the person model where the installed
 * {@code vigil} launcher points {@code VIGIL_MODEL_CACHE} (a default cache_dir would make the
 * processor fetch the model with npm, which the image and the service user do not have).
 * deploy/packaging/check.sh runs them for real; this catches a broken file at {@code mvn verify}.
 */
class PackagedSiteFilesTest {
  private static final Map<String, String> ENV =
      Map.of(
          "MQTT_PASSWORD", "mqtt-secret",
          "VIGIL_HTTP_TOKEN", "http-secret",
          "VIGIL_METRICS_TOKEN", "metrics-secret",
          "VIGIL_MODEL_CACHE", "/usr/share/vigil/models");

  @Test
  void shouldLoadTheComposeSiteWithSecretsAndTheShippedModel() {
    SiteConfig site = SiteConfigLoader.load(Path.of("compose/site.yaml"), ENV);

    assertThat(site.kafka().bootstrapServers()).isEqualTo("kafka:9092");
    assertThat(site.mqtt().url()).isEqualTo("tcp://mqtt:1883");
    assertThat(site.mqtt().password()).isEqualTo("mqtt-secret");
    assertThat(site.model().cacheDir()).isEqualTo("/usr/share/vigil/models");
    assertThat(site.cameras())
        .singleElement()
        .extracting(SiteConfig.Camera::source)
        .isEqualTo("/footage/sample.mp4");
    assertThat(site.prompts()).isNotEmpty();
  }

  @Test
  void shouldLoadThePackagedSiteWithTheShippedModel() {
    SiteConfig site = SiteConfigLoader.load(Path.of("debian/site.yaml"), ENV);

    assertThat(site.mqtt().password()).isEqualTo("mqtt-secret");
    assertThat(site.model().cacheDir()).isEqualTo("/usr/share/vigil/models");
    assertThat(site.cameras()).isNotEmpty();
  }

  @Test
  void shouldFallBackToTheHomeCacheWithoutTheLauncher() {
    SiteConfig site = SiteConfigLoader.load(Path.of("debian/site.yaml"), Map.of());

    assertThat(site.model().cacheDir())
        .isEqualTo(Path.of(System.getProperty("user.home"), ".cache/vigil/models").toString());
  }
}
