package dev.vigil.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import dev.vigil.config.AudioFeatures;
import dev.vigil.config.Box;
import dev.vigil.config.Json;
import dev.vigil.config.Violation;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The violation payload against docs/violation.schema.json, as received from a real mosquitto. */
class ViolationSchemaTest {
  private static final Duration WAIT = Duration.ofSeconds(10);

  @TempDir Path dir;

  private static Violation withState(
      Violation v, Violation.State state, Long ended, Double answer) {
    return new Violation(
        v.schema(),
        v.id(),
        state,
        v.camera(),
        v.prompt(),
        answer,
        v.started(),
        ended,
        v.severity(),
        new Violation.Evidence(
            List.of(
                new Violation.LabelledBox("person", new Box(0.1, 0.2, 0.3, 0.9), 0.87),
                new Violation.LabelledBox("head", new Box(0.15, 0.2, 0.25, 0.3), null)),
            Map.of("people", 2, "helmet", 1, "no_helmet", 1, "unknown", 0),
            new AudioFeatures(-23.5, true, false),
            "snapshots/cam1/1700000000007.jpg"),
        null,
        null);
  }

  @Test
  void shouldMatchSchemaWhenOpenUpdateAndResolvedArriveFromBroker() throws Exception {
    MosquittoBroker.assumeInstalled();
    JsonSchema schema = Schemas.violation();
    Violation open = Violations.open("cam1", 7);
    List<Violation> lifecycle =
        List.of(
            open,
            withState(open, Violation.State.UPDATE, null, 3.0),
            withState(open, Violation.State.RESOLVED, open.started() + 12_000, 0.0));
    try (MosquittoBroker broker =
            MosquittoBroker.in(dir.resolve("broker")).withoutTopicAliases().start();
        TestSubscriber sub =
            new TestSubscriber(broker.url(), "sub", false, "vigil/plant1/+/violations");
        MqttAlertPublisher publisher = LoopFixtures.connect(broker)) {
      for (Violation v : lifecycle) {
        publisher.publish(v).get(10, TimeUnit.SECONDS);
      }

      for (String state : List.of("open", "update", "resolved")) {
        TestSubscriber.Received got =
            sub.await(r -> r.payload().contains("\"state\":\"" + state + "\""), WAIT);
        assertThat(Schemas.errors(schema, got.payload())).as(got.payload()).isEmpty();
        assertThat(got.retained()).isFalse();
      }
      assertThat(sub.received()).hasSize(3);
    }
  }

  @Test
  void shouldRejectPayloadWhenFieldRenamedOrStateInconsistent() throws Exception {
    JsonSchema schema = Schemas.violation();
    ObjectNode good = (ObjectNode) Json.mapper().readTree(payload(Violations.open("cam1", 1)));
    assertThat(Schemas.errors(schema, good.toString())).isEmpty();

    ObjectNode extra = good.deepCopy().put("zone", "assembly");
    ObjectNode renamed = good.deepCopy();
    renamed.set("startedAt", renamed.remove("started"));
    ObjectNode badState = good.deepCopy().put("state", "closed");
    ObjectNode openWithEnd = good.deepCopy().put("ended", 5L);
    ObjectNode resolvedWithoutEnd = good.deepCopy().put("state", "resolved");
    ObjectNode boxOutside = good.deepCopy();
    ((ObjectNode) boxOutside.get("evidence"))
        .putArray("boxes")
        .addObject()
        .put("label", "person")
        .putObject("box")
        .put("x1", 10)
        .put("y1", 0)
        .put("x2", 20)
        .put("y2", 1);

    assertThat(Schemas.errors(schema, renamed.toString())).anyMatch(e -> e.contains("started"));
    assertThat(Schemas.errors(schema, badState.toString())).isNotEmpty();
    assertThat(Schemas.errors(schema, openWithEnd.toString())).isNotEmpty();
    assertThat(Schemas.errors(schema, resolvedWithoutEnd.toString())).isNotEmpty();
    assertThat(Schemas.errors(schema, boxOutside.toString())).isNotEmpty();
    // Extra fields are allowed, so newer producers do not break older consumers.
    assertThat(Schemas.errors(schema, extra.toString())).isEmpty();
  }

  @Test
  void shouldPassReasonThroughWhenViolationResolvesBecauseCameraWentOffline() throws Exception {
    MosquittoBroker.assumeInstalled();
    JsonSchema schema = Schemas.violation();
    Violation open = Violations.open("cam1", 9);
    Violation offline =
        new Violation(
            open.schema(),
            open.id(),
            Violation.State.RESOLVED,
            open.camera(),
            open.prompt(),
            open.answer(),
            open.started(),
            open.started() + 30_000,
            open.severity(),
            open.evidence(),
            Violation.REASON_CAMERA_OFFLINE,
            null);
    try (MosquittoBroker broker = MosquittoBroker.in(dir.resolve("broker")).start();
        TestSubscriber sub =
            new TestSubscriber(broker.url(), "sub", false, "vigil/plant1/+/violations");
        MqttAlertPublisher publisher = LoopFixtures.connect(broker)) {
      publisher.publish(open).get(10, TimeUnit.SECONDS);
      publisher.publish(offline).get(10, TimeUnit.SECONDS);

      TestSubscriber.Received got =
          sub.await(r -> r.payload().contains("\"state\":\"resolved\""), WAIT);
      ObjectNode json = (ObjectNode) Json.mapper().readTree(got.payload());
      assertThat(json.get("reason").asText()).isEqualTo("camera_offline");
      assertThat(Schemas.errors(schema, got.payload())).as(got.payload()).isEmpty();
      TestSubscriber.Received opened =
          sub.await(r -> r.payload().contains("\"state\":\"open\""), WAIT);
      assertThat(Json.mapper().readTree(opened.payload()).get("reason").isNull()).isTrue();
      assertThat(Schemas.errors(schema, opened.payload())).isEmpty();

      // A reason only ends an episode, and only the known ones.
      assertThat(Schemas.errors(schema, json.deepCopy().put("reason", "bored").toString()))
          .isNotEmpty();
      ObjectNode openWithReason =
          ((ObjectNode) Json.mapper().readTree(opened.payload())).put("reason", "camera_offline");
      assertThat(Schemas.errors(schema, openWithReason.toString())).isNotEmpty();
    }
  }

  private static String payload(Violation v) {
    ObjectNode node = Json.mapper().createObjectNode().put("site", "plant1");
    node.setAll((ObjectNode) Json.mapper().valueToTree(v));
    return node.toString();
  }
}
