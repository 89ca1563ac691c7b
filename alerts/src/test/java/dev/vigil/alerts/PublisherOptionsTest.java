package dev.vigil.alerts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.config.SiteConfig;
import dev.vigil.config.SiteConfigException;
import dev.vigil.config.SiteConfigLoader;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Client ids and topic prefixes: what makes several sites and processes share one broker. */
class PublisherOptionsTest {
  private static SiteConfig.Mqtt mqtt(String prefix, String clientId) {
    return new SiteConfig.Mqtt("tcp://localhost:1883", prefix, clientId, null, null, null);
  }

  @Test
  void shouldAppendInstanceToClientIdBaseWhenInstanceIsSet() {
    PublisherOptions site = PublisherOptions.of("plant1", mqtt(null, null));

    assertThat(site.clientId()).isEqualTo("vigil-alerts-plant1");
    assertThat(site.withInstance("node-2").clientId()).isEqualTo("vigil-alerts-plant1-node-2");
    assertThat(
            PublisherOptions.of("plant1", mqtt(null, "vigil-alerts-plant1"))
                .withInstance("node-2")
                .clientId())
        .isEqualTo("vigil-alerts-plant1-node-2");
    assertThat(site.withInstance(" ").clientId()).isEqualTo("vigil-alerts-plant1");
  }

  @Test
  void shouldRejectSiteInstanceOrPrefixThatWouldBreakTopicLevels() {
    assertThatThrownBy(() -> PublisherOptions.of("plant/1", mqtt(null, null)))
        .isInstanceOf(AlertsException.class)
        .hasMessageContaining("\"plant/1\"");
    assertThatThrownBy(() -> PublisherOptions.of("plant1", mqtt("vigil/+/", null)))
        .isInstanceOf(AlertsException.class)
        .hasMessageContaining("mqtt.topic_prefix");
    assertThatThrownBy(() -> PublisherOptions.of("plant1", mqtt(null, null)).withInstance("a#b"))
        .isInstanceOf(AlertsException.class)
        .hasMessageContaining("\"a#b\"");
  }

  @Test
  void shouldDeriveValidInstanceFromAnyHostName() {
    assertThat(AlertsInstance.sanitize("Edge-Box_7.plant.local"))
        .isEqualTo("edge-box_7.plant.local");
    assertThat(AlertsInstance.sanitize("häus #2")).isEqualTo("h-us--2");
    assertThat(AlertsInstance.sanitize("x".repeat(100))).hasSize(32);
    assertThat(AlertsInstance.fromEnvironment()).matches("[A-Za-z0-9._-]{1,64}");
  }

  @Test
  void shouldFailWithTheConfigErrorWhenAnMqttSecretFileCouldNotBeRead() {
    // The agent and processor load this file fine; alerts, which needs the password, does not.
    SiteConfig site =
        SiteConfigLoader.parse(
            "site: plant1\nmqtt:\n  username: alerts\n  password_file: /nonexistent/mqtt-pw\n",
            "site.yaml",
            Map.of());

    assertThatThrownBy(() -> PublisherOptions.of("plant1", site.mqtt()))
        .isInstanceOf(SiteConfigException.class)
        .hasMessage(
            "site.yaml:4:18: mqtt.password_file: file /nonexistent/mqtt-pw does not exist. Give"
                + " the path of a readable file that holds only the secret.");
  }
}
