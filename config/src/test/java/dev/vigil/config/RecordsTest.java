package dev.vigil.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RecordsTest {
  @Test
  void shouldRoundTripAViolationWithItsResolveReason() {
    Violation v =
        new Violation(
            Violation.SCHEMA,
            "id",
            Violation.State.RESOLVED,
            "cam",
            new Violation.PromptRef("p", "t"),
            1.0,
            1L,
            2L,
            Violation.Severity.WARNING,
            new Violation.Evidence(List.of(), Map.of(), null, null),
            Violation.REASON_CAMERA_OFFLINE,
            null);
    assertThat(Json.fromBytes(Json.toBytes(v), Violation.class)).isEqualTo(v);
    assertThat(Json.toString(v))
        .contains("\"reason\":\"camera_offline\"")
        .contains("\"state\":\"resolved\"")
        .contains("\"severity\":\"warning\"");
  }

  @Test
  void shouldGrantScopesByTokenAndRefuseAnOpenServerOffLoopback() {
    var access = new dev.vigil.config.HttpAccess("admin-t", "read-t", "metrics-t");
    var scope = dev.vigil.config.HttpAccess.Scope.class;
    assertThat(access.allows(Enum.valueOf(scope, "ADMIN"), "Bearer admin-t")).isTrue();
    assertThat(access.allows(Enum.valueOf(scope, "ADMIN"), "Bearer read-t")).isFalse();
    assertThat(access.allows(Enum.valueOf(scope, "READ"), "Bearer read-t")).isTrue();
    assertThat(access.allows(Enum.valueOf(scope, "READ"), "Bearer metrics-t")).isFalse();
    assertThat(access.allows(Enum.valueOf(scope, "METRICS"), "bearer metrics-t")).isTrue();
    assertThat(access.allows(Enum.valueOf(scope, "METRICS"), null)).isFalse();
    assertThat(access.allows(Enum.valueOf(scope, "METRICS"), "Basic YTpi")).isFalse();
    assertThat(access.toString()).doesNotContain("admin-t").contains("***");
    var open = dev.vigil.config.HttpAccess.open();
    open.checkBind("127.0.0.1");
    open.checkBind("localhost");
    assertThatThrownBy(() -> open.checkBind("0.0.0.0"))
        .hasMessageContaining("VIGIL_HTTP_TOKEN")
        .hasMessageContaining("--http-host");
    access.checkBind("0.0.0.0");
    assertThat(open.withEnv(Map.of("VIGIL_HTTP_TOKEN", "x")).isOpen()).isFalse();
  }

  @Test
  void shouldMaskThePasswordOfEveryUrlInAText() {
    assertThat(Secrets.redact("rtsp://admin:s3cr3t@10.0.0.5:554/stream"))
        .isEqualTo("rtsp://admin:***@10.0.0.5:554/stream");
    assertThat(Secrets.redact("Could not open input \"rtsp://u:p%40ss@cam/x\" and https://a:b@h/"))
        .isEqualTo("Could not open input \"rtsp://u:***@cam/x\" and https://a:***@h/");
    assertThat(Secrets.redact("rtsp://cam.local:554/x")).isEqualTo("rtsp://cam.local:554/x");
    assertThat(Secrets.redact("/videos/a:b@c.mp4")).isEqualTo("/videos/a:b@c.mp4");
    assertThat(new SiteConfig.Camera("c", "rtsp://u:pw@h/s", 2, 10, 0, 0, List.of()).toString())
        .doesNotContain("pw")
        .contains("rtsp://u:***@h/s");
  }

  @Test
  void shouldAcceptOnlyIdsOfTheOneRule() {
    assertThat(Ids.valid("dock-1.a_B")).isTrue();
    assertThat(Ids.valid("x".repeat(64))).isTrue();
    for (String bad : new String[] {"", "x".repeat(65), "a/b", "a+b", "a#b", "a b", "ä", null}) {
      assertThat(Ids.valid(bad)).as(String.valueOf(bad)).isFalse();
    }
    assertThatThrownBy(() -> Ids.require("camera id", "a/b"))
        .hasMessage("camera id \"a/b\" is invalid: use 1 to 64 of A-Z a-z 0-9 . _ -");
  }

  @Test
  void shouldApplyTheGuaranteesAfterTheSitesOwnProperties() {
    SiteConfig.Kafka kafka =
        new SiteConfig.Kafka(
            "b:9092",
            null,
            Map.of(
                "enable.auto.commit", "true",
                "isolation.level", "read_uncommitted",
                "acks", "1",
                "enable.idempotence", "false",
                "bootstrap.servers", "elsewhere:9092",
                "security.protocol", "SASL_SSL"));
    var consumer = KafkaClients.consumer(kafka, "g", Map.of("max.poll.records", 7));
    assertThat(consumer)
        .containsEntry("enable.auto.commit", false)
        .containsEntry("isolation.level", "read_committed")
        .containsEntry("bootstrap.servers", "b:9092")
        .containsEntry("security.protocol", "SASL_SSL")
        .containsEntry("max.poll.records", 7);
    var producer = KafkaClients.producer(kafka, Map.of());
    assertThat(producer).containsEntry("acks", "all").containsEntry("enable.idempotence", true);
    assertThat(KafkaClients.id("plant-1", "processor")).isEqualTo("vigil-plant-1-processor");
  }
}
