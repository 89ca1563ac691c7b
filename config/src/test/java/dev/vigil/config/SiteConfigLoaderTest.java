package dev.vigil.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SiteConfigLoaderTest {
  private static final Map<String, String> NO_ENV = Map.of();

  private static SiteConfig parse(String yaml) {
    return SiteConfigLoader.parse(yaml, "site.yaml", NO_ENV);
  }

  /** The problems the loader reports for {@code yaml}. */
  private static List<String> problems(String yaml, Map<String, String> env) {
    try {
      SiteConfigLoader.parse(yaml, "site.yaml", env);
    } catch (SiteConfigException e) {
      assertThat(e.getMessage()).isEqualTo(String.join("\n", e.problems()));
      return e.problems();
    }
    throw new AssertionError("expected the config to be rejected");
  }

  private static List<String> problems(String yaml) {
    return problems(yaml, NO_ENV);
  }

  @Test
  void shouldReadHomeAssistantFlagWhenGiven() {
    assertThat(parse("site: p\nmqtt:\n  home_assistant: true\n").mqtt().homeAssistant()).isTrue();
    assertThat(parse("site: p\n").mqtt().homeAssistant()).isFalse();
    assertThat(problems("site: p\nmqtt:\n  home_assistant: maybe\n"))
        .containsExactly(
            "site.yaml:3:19: mqtt.home_assistant: must be true or false, got \"maybe\". Write true to"
                + " publish Home Assistant discovery configs, or false (the default).");
  }

  @Test
  void shouldTakeAKafkaPropertyFromTheFileThatItsFileKeyNames(@TempDir Path dir) throws Exception {
    Path jaas = dir.resolve("jaas");
    Files.writeString(jaas, "ScramLoginModule required username=\"u\" password=\"p w\";\n");
    Path pw = dir.resolve("pw");
    Files.writeString(pw, "store-secret\n");
    SiteConfig c =
        parse(
            """
            site: s
            kafka:
              properties:
                security.protocol: SASL_SSL
                sasl.jaas.config_file: %s
                ssl.truststore.password_file: %s
            """
                .formatted(jaas, pw));

    assertThat(c.kafka().properties())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "security.protocol", "SASL_SSL",
                "sasl.jaas.config", "ScramLoginModule required username=\"u\" password=\"p w\";",
                "ssl.truststore.password", "store-secret"));
    assertThat(c.kafka().toString())
        .contains("SASL_SSL")
        .doesNotContain("store-secret")
        .doesNotContain("p w");
  }

  @Test
  void shouldRefuseAKafkaSecretFileThatIsMissingOrGivenTwice(@TempDir Path dir) {
    Path missing = dir.resolve("nope");
    assertThat(
            problems(
                """
                site: s
                kafka:
                  properties:
                    ssl.keystore.password_file: %s
                    ssl.key.password: x
                    ssl.key.password_file: %s
                """
                    .formatted(missing, missing)))
        .containsExactly(
            "site.yaml:4:33: kafka.properties.ssl.keystore.password_file: file "
                + missing
                + " does not exist. Give the path of a readable file that holds only the secret.",
            "site.yaml:6:5: kafka.properties.ssl.key.password_file: duplicates"
                + " kafka.properties.ssl.key.password. Give the value once: either inline or from"
                + " a file.");
  }

  @Test
  void shouldReadTheMqttClientCertificateAndThePasswordFromAFile(@TempDir Path dir)
      throws Exception {
    TestCerts.Pair client =
        TestCerts.ca(dir, "ca").client("alerts", "alerts", TestCerts.KeyType.EC);
    Path pw = dir.resolve("mqtt-password");
    Files.writeString(pw, "  s3cret \n");
    SiteConfig c =
        parse(
            """
            site: s
            mqtt:
              url: ssl://broker:8883
              username: alerts
              password_file: %s
              ca_file: %s
              cert_file: %s
              key_file: %s
            """
                .formatted(pw, dir.resolve("ca.crt"), client.cert(), client.key()));

    assertThat(c.mqtt().password()).isEqualTo("s3cret");
    assertThat(c.mqtt().certFile()).isEqualTo(client.cert().toString());
    assertThat(c.mqtt().keyFile()).isEqualTo(client.key().toString());
    assertThat(c.mqtt().toString()).doesNotContain("s3cret").contains("password=***");
    assertThat(c.mqtt().requireFiles()).isSameAs(c.mqtt());
  }

  /** The problems of the MQTT secret files, which only the alerts service fails on. */
  private static List<String> mqttFileProblems(String yaml) {
    SiteConfig.Mqtt mqtt = parse(yaml).mqtt();
    assertThatThrownBy(mqtt::requireFiles)
        .isInstanceOf(SiteConfigException.class)
        .hasMessage(String.join("\n", mqtt.fileProblems()));
    return mqtt.fileProblems();
  }

  @Test
  void shouldRefuseAnMqttPasswordFileThatIsMissingOrGivenBesideThePassword(@TempDir Path dir) {
    Path missing = dir.resolve("nope");
    assertThat(
            mqttFileProblems(
                """
                site: s
                mqtt:
                  username: alerts
                  password_file: %s
                """
                    .formatted(missing)))
        .containsExactly(
            "site.yaml:4:18: mqtt.password_file: file "
                + missing
                + " does not exist. Give the path of a readable file that holds only the secret.");
    assertThat(
            problems(
                """
                site: s
                mqtt:
                  username: alerts
                  password: inline
                  password_file: %s
                """
                    .formatted(missing)))
        .containsExactly(
            "site.yaml:5:18: mqtt.password_file: duplicates mqtt.password. Give the password"
                + " once: either inline with password, or from a file with password_file.");
    assertThat(problems("site: s\nmqtt:\n  password_file: /run/secrets/pw\n"))
        .contains(
            "site.yaml:3:18: mqtt.password_file: is set but mqtt.username is not. Add the user"
                + " name the password belongs to, or remove the password.");
  }

  @Test
  void shouldRefuseAnMqttClientCertificateThatIsHalfGivenMissingForeignOrOverPlainText(
      @TempDir Path dir) {
    TestCerts.Ca ca = TestCerts.ca(dir, "ca");
    TestCerts.Pair one = ca.client("one", "alerts", TestCerts.KeyType.RSA);
    TestCerts.Pair two = ca.client("two", "alerts", TestCerts.KeyType.RSA);
    Path missing = dir.resolve("missing.crt");
    String yaml =
        """
        site: s
        mqtt:
          url: %s
          cert_file: %s
          key_file: %s
        """;

    assertThat(problems("site: s\nmqtt:\n  url: ssl://b:8883\n  cert_file: " + one.cert() + "\n"))
        .containsExactly(
            "site.yaml:4:14: mqtt.cert_file: is set but mqtt.key_file is not. Give both the"
                + " certificate and its private key, or neither.");
    assertThat(mqttFileProblems(yaml.formatted("ssl://b:8883", missing, one.key())))
        .containsExactly(
            "site.yaml:4:14: mqtt.cert_file: file "
                + missing
                + " does not exist. Give the PEM client certificate that the broker's CA signed,"
                + " such as /run/secrets/vigil-mqtt/tls.crt.");
    assertThat(mqttFileProblems(yaml.formatted("ssl://b:8883", one.cert(), two.key())))
        .containsExactly(
            "site.yaml:5:13: mqtt.key_file: the private key in "
                + two.key()
                + " does not belong to the certificate in "
                + one.cert()
                + " (they were not made together). Give the unencrypted PEM private key of"
                + " mqtt.cert_file, such as /run/secrets/vigil-mqtt/tls.key.");
    assertThat(problems(yaml.formatted("tcp://b:1883", one.cert(), one.key())))
        .containsExactly(
            "site.yaml:4:14: mqtt.cert_file: is set but mqtt.url \"tcp://b:1883\" is plain text."
                + " Use an ssl:// URL to present a client certificate over TLS, or remove"
                + " cert_file and key_file.");
  }

  @Test
  void shouldReadHttpTlsFilesAndNameTheKeyWhenOneIsMissing(@TempDir Path dir) {
    TestCerts.Pair server = TestCerts.ca(dir, "ca").server("http");
    SiteConfig c =
        parse(
            "site: s\nhttp:\n  tls_cert_file: %s\n  tls_key_file: %s\n"
                .formatted(server.cert(), server.key()));
    assertThat(c.http().tls()).isTrue();
    assertThat(c.http().tlsCertFile()).isEqualTo(server.cert().toString());

    Path missing = dir.resolve("nope.key");
    assertThat(
            problems(
                "site: s\nhttp:\n  tls_cert_file: %s\n  tls_key_file: %s\n"
                    .formatted(server.cert(), missing)))
        .containsExactly(
            "site.yaml:4:17: http.tls_key_file: file "
                + missing
                + " does not exist. Give the unencrypted PEM private key of http.tls_cert_file,"
                + " such as /run/secrets/vigil-http/tls.key.");
  }

  @Test
  void shouldApplyDefaultsWhenOnlySiteIsGiven() {
    SiteConfig c = parse("site: plant-1\n");

    assertThat(c.site()).isEqualTo("plant-1");
    assertThat(c.kafka()).isEqualTo(new SiteConfig.Kafka("localhost:9092", "vigil.", Map.of()));
    assertThat(c.topics().frames()).isEqualTo("vigil.frames");
    assertThat(c.mqtt())
        .isEqualTo(
            new SiteConfig.Mqtt(
                "tcp://localhost:1883",
                "vigil/plant-1/",
                "vigil-alerts-plant-1",
                null,
                null,
                null));
    assertThat(c.model().cacheDir())
        .isEqualTo(System.getProperty("user.home") + "/.cache/vigil/models");
    assertThat(c.model().intraOpThreads()).isEqualTo(1);
    assertThat(c.cameras()).isEmpty();
    assertThat(c.prompts()).isEmpty();
  }

  @Test
  void shouldApplyCameraAndPromptDefaultsWhenOmitted() {
    SiteConfig c =
        parse(
            """
            site: s
            cameras:
              - id: cam.A_1
                source: /data/a.mp4
            prompts:
              - id: p1
                text: Is anyone here?
            """);

    assertThat(c.camera("cam.A_1"))
        .isEqualTo(new SiteConfig.Camera("cam.A_1", "/data/a.mp4", 2, 10, 0, 0, List.of()));
    assertThat(c.prompts())
        .containsExactly(new PromptSpec("p1", "Is anyone here?", List.of(), 60, "warning"));
  }

  @Test
  void shouldReadEveryFieldWhenGiven() {
    SiteConfig c =
        parse(
            """
            site: plant_2
            kafka:
              bootstrap_servers: b1:9092, [::1]:9093
              topic_prefix: acme.vigil.
              properties: {security.protocol: SSL, linger.ms: 5}
            mqtt:
              url: ssl://broker.example:8883
              topic_prefix: acme/plant_2/
              client_id: alerts-7
              username: alerts
              password: "p:w"
              ca_file: /etc/vigil/ca.pem
            model:
              cache_dir: /opt/models
              intra_op_threads: 64
            cameras:
              - id: dock-1
                source: rtsps://10.0.0.5/stream
                fps: 60
                keyframe_interval_s: 0.5
                motion_threshold: 1
                audio_calibration_db: -3.5
                zones:
                  - name: a
                    polygon: [[0, 0], [1, 0], [1, 1]]
            prompts:
              - id: p.1
                text: x
                cameras: [dock-1]
                cooldown_s: 0
                severity: critical
            """);

    assertThat(c.kafka())
        .isEqualTo(
            new SiteConfig.Kafka(
                "b1:9092, [::1]:9093",
                "acme.vigil.",
                Map.of("security.protocol", "SSL", "linger.ms", "5")));
    assertThat(c.mqtt())
        .isEqualTo(
            new SiteConfig.Mqtt(
                "ssl://broker.example:8883",
                "acme/plant_2/",
                "alerts-7",
                "alerts",
                "p:w",
                "/etc/vigil/ca.pem"));
    assertThat(c.model()).isEqualTo(new SiteConfig.Model("/opt/models", 64));
    assertThat(c.cameras())
        .containsExactly(
            new SiteConfig.Camera(
                "dock-1",
                "rtsps://10.0.0.5/stream",
                60,
                0.5,
                1,
                -3.5,
                List.of(
                    new SiteConfig.Zone(
                        "a", List.of(new Point(0, 0), new Point(1, 0), new Point(1, 1))))));
    assertThat(c.prompts())
        .containsExactly(new PromptSpec("p.1", "x", List.of("dock-1"), 0, "critical"));
  }

  @Test
  void shouldSubstituteEnvironmentVariablesWhenSetOrDefaulted() {
    SiteConfig c =
        SiteConfigLoader.parse(
            """
            site: ${SITE}
            kafka:
              bootstrap_servers: ${KAFKA:-localhost:9092}
              properties:
                sasl.jaas.config: user="${USER_NAME}" pass="${SASL_PASS}"
            mqtt:
              username: ${MQTT_USER:-alerts}
              password: ${MQTT_PASSWORD:-fallback}
              ca_file: ${CA_FILE:-}
              client_id: "$${literal}"
            cameras:
              - id: cam
                source: x.mp4
                fps: ${FPS:-2.5}
            """,
            "site.yaml",
            Map.of(
                "SITE", "plant-9",
                "USER_NAME", "u",
                "SASL_PASS", "s3cret",
                "MQTT_PASSWORD", "",
                "FPS", "7"));

    assertThat(c.site()).isEqualTo("plant-9");
    assertThat(c.mqtt().topicPrefix()).isEqualTo("vigil/plant-9/");
    assertThat(c.kafka().bootstrapServers()).isEqualTo("localhost:9092");
    assertThat(c.kafka().properties())
        .containsEntry("sasl.jaas.config", "user=\"u\" pass=\"s3cret\"");
    // An empty variable takes the default; an empty result means "not set".
    assertThat(c.mqtt().username()).isEqualTo("alerts");
    assertThat(c.mqtt().caFile()).isNull();
    assertThat(c.mqtt().password()).isEqualTo("fallback");
    assertThat(c.mqtt().clientId()).isEqualTo("${literal}");
    assertThat(c.cameras().get(0).fps()).isEqualTo(7);
  }

  @Test
  void shouldNameTheVariableAndTheFixWhenAnEnvironmentVariableIsMissing() {
    assertThat(
            problems(
                """
                site: plant-1
                mqtt:
                  username: alerts
                  password: ${MQTT_PASSWORD}
                  client_id: ${BROKEN
                """))
        .containsExactly(
            "site.yaml:4:13: mqtt.password: environment variable MQTT_PASSWORD is not set."
                + " Export it before starting Vigil (export MQTT_PASSWORD=...), or give a default:"
                + " ${MQTT_PASSWORD:-value}.",
            "site.yaml:5:14: mqtt.client_id: unclosed ${ in \"${BROKEN\". Close it with }, or"
                + " write $${ for a literal ${.");
  }

  @Test
  void shouldRejectOutOfRangeNumbersWhenGiven() {
    assertThat(
            problems(
                """
                site: plant-1
                model:
                  intra_op_threads: 0
                cameras:
                  - id: a
                    source: a.mp4
                  - id: b
                    source: b.mp4
                    fps: -2
                    keyframe_interval_s: 0
                    motion_threshold: 1.5
                prompts:
                  - id: p
                    text: t
                    cooldown_s: -1
                """))
        .containsExactly(
            "site.yaml:3:21: model.intra_op_threads: must be a whole number in [1, 64], got 0."
                + " Set the TensorFlow intra-op threads, such as 1 (at most the number of cores).",
            "site.yaml:9:10: cameras[1].fps: must be a number in (0, 60], got -2."
                + " Set a positive frames-per-second such as 2.",
            "site.yaml:10:26: cameras[1].keyframe_interval_s: must be a number > 0, got 0."
                + " Set the seconds between frames sent even without motion, such as 10.",
            "site.yaml:11:23: cameras[1].motion_threshold: must be a number in [0, 1], got 1.5."
                + " Use 0 to turn the motion gate off, or a fraction of changed pixels such as"
                + " 0.02.",
            "site.yaml:15:17: prompts[0].cooldown_s: must be a number in [0, 86400], got -1. Set the"
                + " seconds during which a new alert is suppressed after a resolve, such as 60.");
  }

  @Test
  void shouldTakeEnumsRangesAndRequiredKeysFromTheSchemaWhenChecking() {
    assertThat(
            problems(
                """
                site: p
                cameras:
                  - id: a
                    source: a.mp4
                    audio: pmc
                    min_head_px: 1001
                vlm: {}
                """))
        .containsExactly(
            "site.yaml:5:12: cameras[0].audio: must be features or pcm, got \"pmc\". Did you mean"
                + " pcm? Use features: only level, alarm and impulse leave the camera host; pcm"
                + " sends raw sound, which can carry speech.",
            "site.yaml:6:18: cameras[0].min_head_px: must be a whole number in [0, 1000], got"
                + " 1001. Set the smallest head in pixels that is judged for a helmet, or 0 for the"
                + " model's default.",
            "site.yaml:7:6: vlm.base_url: required key is missing. Give the OpenAI-compatible API"
                + " base, such as http://127.0.0.1:11434/v1 (Ollama) or http://127.0.0.1:8080/v1"
                + " (llama.cpp server).",
            "site.yaml:7:6: vlm.model: required key is missing. Give the model name the server"
                + " knows, such as qwen2.5vl:7b or gpt-4o.");
    assertThat(parse("site: p\ncameras:\n  - {id: a, source: a.mp4, min_head_px: 24.0}\n"))
        .extracting(c -> c.camera("a").minHeadPx())
        .isEqualTo(24);
  }

  @Test
  void shouldRejectWrongTypesWhenAStringOrListStandsWhereANumberOrMapIsExpected() {
    assertThat(
            problems(
                """
                site: plant-1
                kafka: [a, b]
                model:
                  intra_op_threads: 2.5
                cameras:
                  - id: a
                    source: a.mp4
                    fps: fast
                    zones: {name: z}
                prompts: no-helmet
                """))
        .containsExactly(
            "site.yaml:2:8: kafka: must be a map, got a list of 2 values. Write it as a map with"
                + " keys bootstrap_servers, topic_prefix, partitions, properties.",
            "site.yaml:4:21: model.intra_op_threads: must be a whole number in [1, 64], got 2.5."
                + " Set the TensorFlow intra-op threads, such as 1 (at most the number of cores).",
            "site.yaml:8:10: cameras[0].fps: must be a number in (0, 60], got \"fast\"."
                + " Set a positive frames-per-second such as 2.",
            "site.yaml:9:12: cameras[0].zones: must be a list, got a map. List the zones, each"
                + " as a map with name and polygon.",
            "site.yaml:10:10: prompts: must be a list, got \"no-helmet\". List the prompts, each"
                + " as a map with at least id and text.");
  }

  @Test
  void shouldRejectUnknownKeysWithAHintWhenMisspelled() {
    assertThat(
            problems(
                """
                site: plant-1
                kafka:
                  bootstrap.servers: b:9092
                cameras:
                  - id: a
                    source: a.mp4
                    fsp: 3
                    keyframeIntervalS: 4
                    colour: red
                """))
        .containsExactly(
            "site.yaml:3:3: kafka.bootstrap.servers: unknown key. Did you mean bootstrap_servers?"
                + " Allowed keys: bootstrap_servers, topic_prefix, partitions, properties.",
            "site.yaml:7:5: cameras[0].fsp: unknown key. Did you mean fps? Allowed keys: id,"
                + " source, fps, keyframe_interval_s, motion_threshold, audio_calibration_db,"
                + " offline_after_s, max_future_s, min_head_px, audio, zones.",
            "site.yaml:8:5: cameras[0].keyframeIntervalS: unknown key. Did you mean"
                + " keyframe_interval_s? Allowed keys: id, source, fps, keyframe_interval_s,"
                + " motion_threshold, audio_calibration_db, offline_after_s, max_future_s, min_head_px, audio,"
                + " zones.",
            "site.yaml:9:5: cameras[0].colour: unknown key. Allowed keys: id, source, fps,"
                + " keyframe_interval_s, motion_threshold, audio_calibration_db,"
                + " offline_after_s, max_future_s, min_head_px, audio, zones.");
  }

  @Test
  void shouldPointAtTheParentMapWhenARequiredKeyIsMissing() {
    assertThat(
            problems(
                """
                kafka:
                  topic_prefix: x.
                cameras:
                  - source: a.mp4
                  - id: b
                    zones:
                      - polygon: [[0, 0], [1, 0], [1, 1]]
                prompts:
                  - id: p
                    text: "  "
                """))
        .containsExactly(
            "site.yaml:1:1: site: required key is missing. Use a name such as plant-1; it is"
                + " used in MQTT topics and client ids.",
            "site.yaml:4:5: cameras[0].id: required key is missing. Use an id such as dock-1"
                + " (letters, digits, '.', '_', '-'); it is a Kafka key and part of MQTT topics.",
            "site.yaml:5:5: cameras[1].source: required key is missing. Give a file path, an"
                + " image folder, or an rtsp://, rtsps://, http:// or https:// URL.",
            "site.yaml:7:9: cameras[1].zones[0].name: required key is missing. Use only"
                + " lowercase letters, digits, '_' and '-', such as assembly; prompts refer to"
                + " zones by name.",
            "site.yaml:10:11: prompts[0].text: must not be blank. Add the question, such as"
                + " \"How many people are not wearing a helmet?\"");
  }

  @Test
  void shouldRejectDuplicateIdsAndDuplicateKeysWhenRepeated() {
    assertThat(
            problems(
                """
                site: plant-1
                cameras:
                  - id: dock-1
                    source: a.mp4
                    zones:
                      - {name: z, polygon: [[0, 0], [1, 0], [1, 1]]}
                      - {name: z, polygon: [[0, 0], [1, 0], [1, 1]]}
                  - id: dock-1
                    source: b.mp4
                    source: c.mp4
                prompts:
                  - {id: p, text: a}
                  - {id: p, text: b}
                site: plant-2
                """))
        .containsExactly(
            "site.yaml:7:16: cameras[0].zones[1].name: duplicate zone name \"z\" (first at line"
                + " 6). Give each zone of a camera a unique name.",
            "site.yaml:8:9: cameras[1].id: duplicate camera id \"dock-1\" (first at line 3)."
                + " Give each camera a unique id.",
            "site.yaml:10:5: cameras[1].source: duplicate key (first at line 9). Remove one of"
                + " them; YAML would silently keep only the last.",
            "site.yaml:13:10: prompts[1].id: duplicate prompt id \"p\" (first at line 12)."
                + " Give each prompt a unique id.",
            "site.yaml:14:1: site: duplicate key (first at line 1). Remove one of them; YAML"
                + " would silently keep only the last.");
  }

  @Test
  void shouldRejectBadPolygonsWhenTooShortOutOfRangeOrFlat() {
    assertThat(
            problems(
                """
                site: plant-1
                cameras:
                  - id: a
                    source: a.mp4
                    zones:
                      - name: two
                        polygon: [[0, 0], [1, 1]]
                      - name: out
                        polygon: [[0, 0], [1.5, 0], [1, 1]]
                      - name: odd
                        polygon: [[0, 0], [1, 0, 2], [1, 1]]
                      - name: flat
                        polygon: [[0, 0], [0.5, 0.5], [1, 1]]
                      - name: Bad Name
                        polygon: [[0, 0], [1, 0], [1, 1]]
                """))
        .containsExactly(
            "site.yaml:7:18: cameras[0].zones[0].polygon: needs at least 3 items, got 2."
                + " List at least three corners as [[x, y], ...] with x and y in 0..1.",
            "site.yaml:9:28: cameras[0].zones[1].polygon[1][0]: must be a number in [0, 1], got"
                + " 1.5. Coordinates are fractions of the image width and height, origin"
                + " top-left.",
            "site.yaml:11:27: cameras[0].zones[2].polygon[1]: must be a list of 2 values, got a"
                + " list of 3 values. Write each corner as [x, y] with x and y in 0..1.",
            "site.yaml:13:18: cameras[0].zones[3].polygon: encloses no area (its points lie on"
                + " one line). Give at least three corners that enclose the zone.",
            "site.yaml:14:15: cameras[0].zones[4].name: must use only lowercase letters,"
                + " digits, '_' and '-', got \"Bad Name\". Use only lowercase letters, digits, '_' and '-', such as assembly;"
                + " prompts refer to zones by name.");
  }

  @Test
  void shouldRejectBadValuesWhenFormatsAreWrong() {
    assertThat(
            problems(
                """
                site: Plant 1
                kafka:
                  bootstrap_servers: localhost
                mqtt:
                  url: http://broker:1883
                  topic_prefix: vigil/plant
                  password: secret
                  ca_file: /etc/ca.pem
                cameras:
                  - id: dock/1
                    source: udp://10.0.0.5:1234
                  - id: dock-1
                    source: a.mp4
                prompts:
                  - id: p
                    text: t
                    cameras: [dok-1]
                    severity: high
                """))
        .containsExactly(
            "site.yaml:1:7: site: must be 1 to 64 of A-Z a-z 0-9 . _ -, got \"Plant 1\". Use a"
                + " name such as plant-1; it is used in MQTT topics and client ids.",
            "site.yaml:3:22: kafka.bootstrap_servers: \"localhost\" is not a host:port address."
                + " Write a comma-separated host:port list such as broker-1:9092,broker-2:9092.",
            "site.yaml:5:8: mqtt.url: must be a tcp:// or ssl:// URL, got \"http://broker:1883\"."
                + " Use tcp://host:1883, or ssl://host:8883 for TLS.",
            "site.yaml:6:17: mqtt.topic_prefix: must end with '/', got \"vigil/plant\". Add a"
                + " trailing slash: vigil/plant/",
            "site.yaml:7:13: mqtt.password: is set but mqtt.username is not. Add the user name"
                + " the password belongs to, or remove the password.",
            "site.yaml:10:9: cameras[0].id: must be 1 to 64 of A-Z a-z 0-9 . _ -, got \"dock/1\"."
                + " Use an id such as dock-1 (letters, digits, '.', '_', '-'); it is a Kafka key"
                + " and part of MQTT topics.",
            "site.yaml:11:13: cameras[0].source: unsupported URL scheme \"udp\". Give a file"
                + " path, an image folder, or an rtsp://, rtsps://, http:// or https:// URL.",
            "site.yaml:17:15: prompts[0].cameras[0]: unknown camera \"dok-1\". Did you mean"
                + " dock-1? Configured cameras: dock/1, dock-1.",
            "site.yaml:18:15: prompts[0].severity: must be one of info, warning, critical, got"
                + " \"high\". Pick the level subscribers should see, such as warning.");
  }

  @Test
  void shouldReportTheYamlPositionWhenTheSyntaxIsInvalid() {
    assertThat(problems("site: plant-1\ncameras:\n  - id: a\n    source: [a.mp4\n"))
        .containsExactly(
            "site.yaml:5:1: invalid YAML: expected ',' or ']', but got <stream end>. Fix the"
                + " syntax at this position (check indentation, colons, quotes and brackets;"
                + " indent with spaces, not tabs).");
  }

  @Test
  void shouldSayTheFileIsEmptyWhenItHasNoContent() {
    String expected =
        "site.yaml:1:1: the file is empty. Add at least \"site: <name>\" and your cameras; see"
            + " config/examples/site.yaml.";
    assertThat(problems("")).containsExactly(expected);
    assertThat(problems("# only a comment\n\n")).containsExactly(expected);
  }

  @Test
  void shouldRejectATopLevelThatIsNotAMap() {
    assertThat(problems("- site: plant-1\n"))
        .containsExactly(
            "site.yaml:1:1: the top level must be a map, got a list of 1 value. Start the file"
                + " with keys such as \"site: plant-1\"; allowed keys: site, kafka, mqtt, model,"
                + " http, vlm, cameras, prompts.");
  }

  @Test
  void shouldNameTheFullPathWhenTheFileIsMissing(@TempDir Path dir) {
    Path file = dir.resolve("nope.yaml");

    assertThatThrownBy(() -> SiteConfigLoader.load(file))
        .isInstanceOf(SiteConfigException.class)
        .hasMessage(
            file
                + ": config file not found (looked at "
                + file.toAbsolutePath()
                + "). Check the path, or start from config/examples/site.yaml.");
  }

  @Test
  void shouldLoadAFileAndNameItInMessagesWhenItExists(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("site.yaml");
    Files.writeString(file, "site: a\nmodel:\n  intra_op_threads: 65\n");

    assertThatThrownBy(() -> SiteConfigLoader.load(file, NO_ENV))
        .hasMessageStartingWith(file + ":3:21: model.intra_op_threads: must be a whole number");

    Files.writeString(file, "\uFEFFsite: a\n");
    assertThat(SiteConfigLoader.load(file, NO_ENV).site()).isEqualTo("a");
  }

  @Test
  void shouldLoadTheExampleWhenThePasswordIsExported() {
    SiteConfig c =
        SiteConfigLoader.load(Path.of("examples/site.yaml"), Map.of("MQTT_PASSWORD", "s3cret"));

    assertThat(c.site()).isEqualTo("plant-1");
    assertThat(c.mqtt().password()).isEqualTo("s3cret");
    assertThat(c.toString()).doesNotContain("s3cret").contains("password=***");
    assertThat(c.mqtt().username()).isEqualTo("alerts");
    assertThat(c.kafka().bootstrapServers()).isEqualTo("localhost:9092");
    assertThat(c.cameras()).extracting(SiteConfig.Camera::id).containsExactly("dock-1", "yard");
    assertThat(c.camera("dock-1").zones())
        .extracting(SiteConfig.Zone::name)
        .containsExactly("assembly", "forklift_lane");
    assertThat(c.prompts())
        .extracting(PromptSpec::id)
        .containsExactly("no-helmet", "crowd-in-assembly", "alarm-sounding");
    assertThat(c.prompts().get(2).cameras()).containsExactly("dock-1", "yard");
    assertThat(SiteConfigLoader.requireCameras(c, "site.yaml")).isSameAs(c);
  }

  @Test
  void shouldTellHowToSetThePasswordWhenTheExampleIsLoadedWithoutIt() {
    assertThatThrownBy(() -> SiteConfigLoader.load(Path.of("examples/site.yaml"), NO_ENV))
        .hasMessageStartingWith(
            "examples/site.yaml:31:13: mqtt.password: environment variable MQTT_PASSWORD is not"
                + " set.");
  }

  @Test
  void shouldRequireACameraWhenTheAgentNeedsOne() {
    assertThatThrownBy(() -> SiteConfigLoader.requireCameras(parse("site: a\n"), "site.yaml"))
        .isInstanceOf(SiteConfigException.class)
        .hasMessage(
            "site.yaml: cameras: no camera is configured. Add at least one camera with an id and"
                + " a source under cameras: (see config/examples/site.yaml).");
  }

  @Test
  void shouldRejectBrokerSettingsWhenTheyContradictEachOther() {
    assertThat(
            problems(
                """
                site: plant-1
                kafka:
                  topic_prefix: vigil/
                  properties:
                    bootstrap.servers: b:9092
                    security:
                      protocol: SSL
                mqtt:
                  url: tcp://broker:1883
                  topic_prefix: vigil/#/
                  ca_file: /etc/vigil/ca.pem
                """))
        .containsExactly(
            "site.yaml:3:17: kafka.topic_prefix: must use only letters, digits, '.', '_' and '-'"
                + " (Kafka topic names), got \"vigil/\". Use only letters, digits, '.', '_' and '-' (Kafka topic names), such as"
                + " vigil.",
            "site.yaml:5:5: kafka.properties.bootstrap.servers: duplicates"
                + " kafka.bootstrap_servers. Set the brokers with kafka.bootstrap_servers and"
                + " remove this property.",
            "site.yaml:7:7: kafka.properties.security: must be a text value, got a map. Write"
                + " the full Kafka property name as one key, such as security.protocol: SSL.",
            "site.yaml:10:17: mqtt.topic_prefix: must not contain the MQTT wildcards + or #, got"
                + " \"vigil/#/\". Use a plain prefix such as vigil/plant-1/.",
            "site.yaml:11:12: mqtt.ca_file: is set but mqtt.url \"tcp://broker:1883\" is plain"
                + " text. Use an ssl:// URL to connect with TLS, or remove ca_file.");
  }

  @Test
  void shouldReportSyntaxPositionsWhenTabsOrSeveralDocumentsAreUsed() {
    assertThat(problems("site: a\ncameras:\n\t- id: x\n"))
        .containsExactly(
            "site.yaml:3:1: invalid YAML: found character '\\t(TAB)' that cannot start any"
                + " token. (Do not use \\t(TAB) for indentation). Fix the syntax at this position"
                + " (check indentation, colons, quotes and brackets; indent with spaces, not"
                + " tabs).");
    assertThat(problems("site: a\n---\nsite: b\n"))
        .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
        .startsWith(
            "site.yaml:2:1: invalid YAML: expected a single document in the stream but found"
                + " another document. Fix the syntax");
  }

  @Test
  void shouldSuggestTheClosestNameWhenOneIsNear() {
    assertThat(SiteConfigLoader.closest("fsp", List.of("id", "fps", "zones"))).isEqualTo("fps");
    assertThat(SiteConfigLoader.closest("source", List.of("id", "fps"))).isNull();
    assertThat(SiteConfigLoader.closest("topic-prefix", List.of("url", "topic_prefix")))
        .isEqualTo("topic_prefix");
  }

  @Test
  void shouldLeaveTheDetectorUnsetWhenNotConfigured() {
    assertThat(parse("site: a\nmodel:\n  intra_op_threads: 3\n").model().detector()).isNull();
    assertThat(new SiteConfig.Model("/m", 2)).isEqualTo(new SiteConfig.Model("/m", 2, null));
  }

  @Test
  void shouldReadTheDetectorWhenConfigured() {
    SiteConfig c =
        parse(
            """
            site: a
            model:
              detector:
                saved_model: ~/ppe
                signature: detect
                input: float32
                input_size: 640
                min_score: 0.25
                classes: {1: person, 2: head, 3: helmet, 7: ignore}
            """);

    assertThat(c.model().intraOpThreads()).isEqualTo(1);
    assertThat(c.model().detector())
        .isEqualTo(
            new SiteConfig.Detector(
                System.getProperty("user.home") + "/ppe",
                "detect",
                SiteConfig.Detector.Input.FLOAT32,
                640,
                0.25,
                Map.of(
                    1, SiteConfig.Detector.Role.PERSON,
                    2, SiteConfig.Detector.Role.HEAD,
                    3, SiteConfig.Detector.Role.HELMET,
                    7, SiteConfig.Detector.Role.IGNORE)));
  }

  @Test
  void shouldApplyDetectorDefaultsWhenOnlyTheFolderAndClassesAreGiven() {
    SiteConfig.Detector d =
        parse(
                """
                site: a
                model:
                  detector:
                    saved_model: /opt/ppe
                    classes:
                      5: head
                """)
            .model()
            .detector();

    assertThat(d)
        .isEqualTo(
            new SiteConfig.Detector(
                "/opt/ppe",
                "serving_default",
                SiteConfig.Detector.Input.UINT8,
                0,
                0.5,
                Map.of(5, SiteConfig.Detector.Role.HEAD)));
  }

  @Test
  void shouldRejectBadDetectorSettingsWhenGiven() {
    assertThat(
            problems(
                """
                site: a
                model:
                  detector:
                    signature: serving_default
                    input: int32
                    input_size: 10
                    min_score: 1.5
                    classes:
                      1: persn
                      x: head
                      2: helmet
                      02: person
                      3: [head]
                """))
        .containsExactly(
            "site.yaml:4:5: model.detector.saved_model: required key is missing. Give the folder"
                + " of the exported SavedModel (the one that holds saved_model.pb), such as"
                + " /opt/plant/ppe_detector.",
            "site.yaml:5:12: model.detector.input: must be uint8 or float32, got \"int32\". Use"
                + " the element type of the model's image input: uint8 (TF Object Detection API"
                + " exports) or float32.",
            "site.yaml:6:17: model.detector.input_size: must be a whole number in [32, 4096], got"
                + " 10. Set the long side in pixels the frame is resized to, such as 640, or"
                + " remove input_size to feed frames as they are.",
            "site.yaml:7:16: model.detector.min_score: must be a number in [0, 1], got 1.5. Set"
                + " the score from which a detection counts, such as 0.5.",
            "site.yaml:9:10: model.detector.classes.1: must be one of person, head, helmet,"
                + " ignore, got \"persn\". Did you mean person? Use one of person, head, helmet,"
                + " ignore; ignore drops the class.",
            "site.yaml:10:7: model.detector.classes.x: must be a class id (a whole number >= 0),"
                + " got \"x\". Write the model's class ids (whole numbers >= 0) as keys, such as {1: person, 2: head,"
                + " 3: helmet}.",
            "site.yaml:12:7: model.detector.classes.02: duplicate class id 2 (first at line 11)."
                + " Give each class id one role.",
            "site.yaml:13:10: model.detector.classes.3: must be one of person, head, helmet,"
                + " ignore, got a list of 1 value. Use one of person, head, helmet, ignore; ignore"
                + " drops the class.");
  }

  @Test
  void shouldRejectAClassIdWithoutRoleOrTooLargeAndAnEmptyPromptCamera() {
    assertThat(
            problems(
                """
                site: a
                model:
                  detector:
                    saved_model: /opt/ppe
                    classes: {1: person, 2: , 99999999999: head}
                cameras:
                  - {id: c, source: c.mp4}
                prompts:
                  - {id: p, text: t, cameras: [c, ~]}
                """))
        .containsExactly(
            "site.yaml:5:28: model.detector.classes.2: has no role. Use one of person, head,"
                + " helmet, ignore; ignore drops the class.",
            "site.yaml:5:31: model.detector.classes.99999999999: class id 99999999999 is too"
                + " large. Use the model's class ids.",
            "site.yaml:9:35: prompts[0].cameras[1]: is empty. Give a camera id.");
  }

  @Test
  void shouldRejectClassesWhenNoneCountsAsAPerson() {
    assertThat(
            problems(
                """
                site: a
                model:
                  detector:
                    saved_model: /opt/ppe
                    classes: {3: helmet, 4: ignore}
                """))
        .containsExactly(
            "site.yaml:5:14: model.detector.classes: maps no class id to person or head. Vigil"
                + " counts people from person and head boxes: map at least one class id to person"
                + " or head.");
    assertThat(problems("site: a\nmodel:\n  detector:\n    saved_model: /x\n"))
        .containsExactly(
            "site.yaml:4:5: model.detector.classes: required key is missing. Map the model's"
                + " class ids to person, head, helmet or ignore, such as {1: person, 2: head, 3:"
                + " helmet}.");
    assertThat(problems("site: a\nmodel:\n  detector: /opt/ppe\n"))
        .containsExactly(
            "site.yaml:3:13: model.detector: must be a map, got \"/opt/ppe\". Write it as a map"
                + " with keys saved_model, signature, input, input_size, min_score, classes.");
  }
}
