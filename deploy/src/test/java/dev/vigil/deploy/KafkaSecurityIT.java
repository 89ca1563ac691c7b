package dev.vigil.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.agent.AgentProducer;
import dev.vigil.alerts.PublishedAlert;
import dev.vigil.config.Json;
import dev.vigil.config.KafkaClients;
import dev.vigil.config.SiteConfig;
import dev.vigil.config.SiteConfigLoader;
import dev.vigil.config.Topics;
import dev.vigil.config.VigilHeaders;
import dev.vigil.config.Violation;
import dev.vigil.deploy.embedded.EmbeddedKafka;
import dev.vigil.deploy.embedded.EmbeddedMqtt;
import dev.vigil.processor.ProcessorApp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Kafka security on a real broker started here: a {@code SASL_SSL} (SCRAM-SHA-512) listener and a
 * mutual-TLS listener ({@code SSL}, client certificate required), with certificates made by the
 * test's own CA. Every client of Vigil is configured only through site.yaml ({@code
 * kafka.properties}, secrets from {@code ${ENV}} or {@code *_file}): the agent's producer, the
 * processor's Kafka Streams app (exactly_once_v2) and its dead-letter producer, the alerts
 * consumers, the admin client that provisions topics, and {@code vigil prompt}. Rejected: a wrong
 * password, a broker certificate from an untrusted CA, a client certificate from an unknown CA and
 * no client certificate; each fails fast with an error that names the cause.
 */
class KafkaSecurityIT {
  private static final String USER = "vigil-plant";
  private static final String PASSWORD = "scram-" + UUID.randomUUID();
  private static final byte[] POISON = {66};
  private static final Duration BOUND = Duration.ofSeconds(60);

  private static Path dir;
  private static TestPki pki;
  private static EmbeddedKafka kafka;
  private static EmbeddedMqtt mqtt;

  /** How a client authenticates. */
  enum Mode {
    SASL_SSL,
    MTLS
  }

  @BeforeAll
  static void startBrokers() throws Exception {
    dir = Files.createTempDirectory("vigil-kafkasec-");
    pki = new TestPki(dir.resolve("pki"));
    pki.ca("vigil-ca");
    pki.ca("rogue-ca");
    Path brokerKeys = pki.keyStore("broker", "vigil-ca");
    Path trusted = pki.trustStore("vigil-ca");
    pki.keyStore("vigil-client", "vigil-ca");
    pki.keyStore("rogue-client", "rogue-ca");
    kafka =
        EmbeddedKafka.start(
            0,
            dir.resolve("kafka"),
            new EmbeddedKafka.Secured(brokerKeys, TestPki.PASSWORD, trusted, TestPki.PASSWORD));
    kafka.createScramUser(USER, PASSWORD);
    mqtt = EmbeddedMqtt.start(0);
  }

  @AfterAll
  static void stopBrokers() {
    if (mqtt != null) {
      mqtt.close();
    }
    if (kafka != null) {
      kafka.close();
    }
    VigilParts.deleteRecursively(dir);
  }

  // --- site.yaml ---------------------------------------------------------------------------------

  /** The environment the site files refer to; secrets only here, never in the file. */
  private static Map<String, String> env(String password) {
    return Map.of(
        "KAFKA_USER", USER,
        "KAFKA_PASSWORD", password,
        "KAFKA_STORE_PASSWORD", TestPki.PASSWORD);
  }

  /**
   * A site file for {@code mode}; {@code fromFiles} takes the secrets from {@code *_file}
   * properties instead of {@code ${ENV}} (so the CLI, which reads the real environment, can use
   * it). {@code trustCa} and {@code clientCert} pick the key material ({@code null}: no client
   * certificate).
   */
  private static Path siteFile(
      String name, Mode mode, String password, String trustCa, String clientCert, boolean fromFiles)
      throws Exception {
    Path pkiDir = dir.resolve("pki");
    String storePw =
        secret(name + "-store-pw", TestPki.PASSWORD, fromFiles, "KAFKA_STORE_PASSWORD");
    StringBuilder props = new StringBuilder();
    if (mode == Mode.SASL_SSL) {
      String jaas =
          "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
              + (fromFiles ? USER : "${KAFKA_USER}")
              + "\" password=\""
              + (fromFiles ? password : "${KAFKA_PASSWORD}")
              + "\";";
      props.append("    security.protocol: SASL_SSL\n");
      props.append("    sasl.mechanism: SCRAM-SHA-512\n");
      if (fromFiles) {
        Path f = dir.resolve(name + "-jaas");
        Files.writeString(f, jaas + "\n");
        props.append("    sasl.jaas.config_file: ").append(f).append('\n');
      } else {
        props.append("    sasl.jaas.config: '").append(jaas).append("'\n");
      }
    } else {
      props.append("    security.protocol: SSL\n");
    }
    if (clientCert != null) {
      props.append("    ssl.keystore.type: PKCS12\n");
      props
          .append("    ssl.keystore.location: ")
          .append(pkiDir.resolve(clientCert + ".p12"))
          .append('\n');
      props.append(storePw.replace("PROPERTY", "ssl.keystore.password"));
      props.append(storePw.replace("PROPERTY", "ssl.key.password"));
    }
    // The CA's certificate as it is usually handed out: a PEM file (which has no password).
    props.append("    ssl.truststore.type: PEM\n");
    props
        .append("    ssl.truststore.location: ")
        .append(pkiDir.resolve(trustCa + ".pem"))
        .append('\n');
    String bootstrap =
        mode == Mode.SASL_SSL ? kafka.saslSslBootstrapServers() : kafka.mtlsBootstrapServers();
    String yaml =
        """
        site: %s
        kafka:
          bootstrap_servers: %s
          topic_prefix: %s.
          partitions: 2
          properties:
        %s
        mqtt:
          url: %s
          client_id: vigil-alerts-%s
        prompts:
          - id: people
            text: How many people are in view?
            cooldown_s: 0
        """
            .formatted(name, bootstrap, name, props.toString().stripTrailing(), mqtt.url(), name);
    Path file = dir.resolve(name + ".yaml");
    Files.writeString(file, yaml);
    return file;
  }

  /** One property line with the placeholder name PROPERTY: from a file or from ${ENV}. */
  private static String secret(String fileName, String value, boolean fromFiles, String var)
      throws Exception {
    if (fromFiles) {
      Path f = dir.resolve(fileName);
      Files.writeString(f, value + "\n");
      return "    PROPERTY_file: " + f + "\n";
    }
    return "    PROPERTY: ${" + var + "}\n";
  }

  private static SiteConfig load(Path file, String password) {
    return SiteConfigLoader.load(file, env(password));
  }

  // --- accepted ----------------------------------------------------------------------------------

  @ParameterizedTest
  @EnumSource(Mode.class)
  void shouldRunAgentProcessorDeadLettersAndAlertsOverASecuredListener(Mode mode) throws Exception {
    String name = mode == Mode.SASL_SSL ? "sec-sasl" : "sec-mtls";
    SiteConfig site =
        load(
            siteFile(
                name, mode, PASSWORD, "vigil-ca", mode == Mode.MTLS ? "vigil-client" : null, false),
            PASSWORD);
    assertThat(site.kafka().toString()).doesNotContain(PASSWORD).doesNotContain(TestPki.PASSWORD);
    Topics topics = site.topics();
    CompletableFuture<PublishedAlert> alert = new CompletableFuture<>();
    try (VigilParts parts = VigilParts.open(site, dir.resolve(name + "-state"))) {
      // Admin (topics), reader and producer (prompts) over the secured listener.
      parts.provisionAndSeed();
      // Alerts: both consumers (violations, observations) over the secured listener.
      parts.startAlerts(alert::complete);
      try (ProcessorApp app =
              TestProcessors.of(
                  site,
                  OnePerson.throwingOn(POISON),
                  ProcessorApp.Options.defaults(site.site(), dir.resolve(name + "-streams")));
          Producer<String, byte[]> agent =
              AgentProducer.createKafkaProducer(
                  site.kafka().bootstrapServers(), site.kafka().properties())) {
        CountDownLatch running = new CountDownLatch(1);
        app.streams()
            .setStateListener(
                (now, before) -> {
                  if (now == KafkaStreams.State.RUNNING) {
                    running.countDown();
                  }
                });
        app.start();
        assertThat(running.await(BOUND.toSeconds(), TimeUnit.SECONDS))
            .as("processor RUNNING over " + mode)
            .isTrue();

        long now = System.currentTimeMillis();
        agent
            .send(AgentProducer.frameRecord(topics, "cam", 1, POISON, 640, 480, 1, true, now))
            .get(BOUND.toSeconds(), TimeUnit.SECONDS);
        agent
            .send(
                AgentProducer.frameRecord(
                    topics, "cam", 2, new byte[] {1, 2, 3}, 640, 480, 1, true, now + 1))
            .get(BOUND.toSeconds(), TimeUnit.SECONDS);

        // The dead-letter handler's own producer wrote the poison frame over the listener.
        ConsumerRecord<String, byte[]> dead = await(site.kafka(), topics.dlq(), r -> true);
        assertThat(dead).as("dead letter over " + mode).isNotNull();
        assertThat(VigilHeaders.get(dead.headers(), VigilHeaders.DLQ_CODE))
            .isEqualTo("processing_error");
        // The streams app (exactly_once_v2) processed the next frame.
        ConsumerRecord<String, byte[]> observation =
            await(
                site.kafka(),
                topics.observations(),
                r -> Json.fromBytes(r.value(), JsonNode.class).get("seq").asLong() == 2);
        assertThat(observation).as("observation over " + mode).isNotNull();
        // Alerts consumed the violation and published it over MQTT.
        PublishedAlert published = alert.get(BOUND.toSeconds(), TimeUnit.SECONDS);
        assertThat(published.topic()).isEqualTo("vigil/" + name + "/cam/violations");
        assertThat(published.violation().state()).isEqualTo(Violation.State.OPEN);
        assertThat(app.streams().state()).isEqualTo(KafkaStreams.State.RUNNING);
      }
    }
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void shouldAddListAndRemovePromptsWithTheCliOverASecuredListener(Mode mode) throws Exception {
    String name = mode == Mode.SASL_SSL ? "cli-sasl" : "cli-mtls";
    Path file =
        siteFile(name, mode, PASSWORD, "vigil-ca", mode == Mode.MTLS ? "vigil-client" : null, true);
    // Topics first, as `vigil processor` would.
    try (VigilParts parts = VigilParts.open(load(file, PASSWORD), dir.resolve(name))) {
      parts.provisionAndSeed();
    }
    String config = file.toString();
    CliRun add =
        cli(
            "prompt",
            "add",
            "--config",
            config,
            "--id",
            "crowd",
            "--cooldown",
            "0",
            "Are there more than 2 people in view?");
    assertThat(add.exit()).as(add.err()).isZero();
    CliRun list = cli("prompt", "list", "--config", config);
    assertThat(list.exit()).as(list.err()).isZero();
    assertThat(list.out())
        .contains("crowd\tAre there more than 2 people in view?")
        .contains("people");
    CliRun remove = cli("prompt", "remove", "--config", config, "crowd");
    assertThat(remove.exit()).as(remove.err()).isZero();
    CliRun after = cli("prompt", "list", "--config", config);
    assertThat(after.exit()).as(after.err()).isZero();
    assertThat(after.out()).doesNotContain("crowd").contains("people");
  }

  // --- rejected ----------------------------------------------------------------------------------

  @Test
  void shouldRefuseAWrongPasswordWithAClearErrorInEveryPart() throws Exception {
    String wrong = "not-" + PASSWORD;
    SiteConfig site =
        load(siteFile("bad-pw", Mode.SASL_SSL, wrong, "vigil-ca", null, false), wrong);
    String cause = "invalid credentials";
    assertTimeoutPreemptively(
        BOUND,
        () -> {
          // Agent: the send fails, naming the cause.
          assertThat(agentSendFailure(site))
              .isInstanceOf(SaslAuthenticationException.class)
              .hasMessageContaining(cause);
          // Processor and alerts start by provisioning topics with the admin client.
          try (VigilParts parts = VigilParts.open(site, dir.resolve("bad-pw"))) {
            assertThatThrownBy(parts::provisionAndSeed)
                .hasRootCauseInstanceOf(SaslAuthenticationException.class)
                .rootCause()
                .hasMessageContaining(cause);
          }
          // The CLI: exit 1 and one line that says what is wrong.
          String config =
              siteFile("bad-pw-cli", Mode.SASL_SSL, wrong, "vigil-ca", null, true).toString();
          assertThat(promptListFails(config))
              .contains("vigil prompt list: Kafka authentication failed: ")
              .contains(cause);
          CliRun processor = service("processor", config);
          assertThat(processor.exit()).isEqualTo(1);
          assertThat(processor.err())
              .contains("vigil processor: Kafka authentication failed: ")
              .contains(cause);
          // Alerts: a refused login ends the process (exit 1) rather than leave it running idle.
          CliRun alerts = service("alerts", config, "--instance", "it");
          assertThat(alerts.exit()).as(alerts.err()).isEqualTo(1);
          assertThat(alerts.err()).contains("vigil alerts: ").contains(cause);
        });
  }

  @Test
  void shouldFailTheProcessorAtStartWhenTheBrokerRefusesItsPassword() throws Exception {
    String wrong = "not-" + PASSWORD;
    SiteConfig site =
        load(siteFile("bad-pw-streams", Mode.SASL_SSL, wrong, "vigil-ca", null, false), wrong);
    try (ProcessorApp app =
        TestProcessors.of(
            site,
            OnePerson.throwingOn(POISON),
            ProcessorApp.Options.defaults(site.site(), dir.resolve("bad-pw-streams")))) {
      assertTimeoutPreemptively(
          BOUND,
          () ->
              assertThatThrownBy(app::start)
                  .hasRootCauseInstanceOf(SaslAuthenticationException.class)
                  .rootCause()
                  .hasMessageContaining("invalid credentials"));
      assertThat(app.streams().state()).isNotEqualTo(KafkaStreams.State.RUNNING);
    }
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void shouldRefuseABrokerCertificateFromAnUntrustedCa(Mode mode) throws Exception {
    String name = "untrusted-" + mode.name().toLowerCase(java.util.Locale.ROOT);
    String client = mode == Mode.MTLS ? "vigil-client" : null;
    SiteConfig site = load(siteFile(name, mode, PASSWORD, "rogue-ca", client, false), PASSWORD);
    assertTimeoutPreemptively(
        BOUND,
        () -> {
          assertThat(agentSendFailure(site))
              .isInstanceOf(SslAuthenticationException.class)
              .rootCause()
              .hasMessageContaining("unable to find valid certification path");
          String config =
              siteFile(name + "-cli", mode, PASSWORD, "rogue-ca", client, true).toString();
          assertThat(promptListFails(config))
              .contains("vigil prompt list: Kafka authentication failed: SSL handshake failed")
              .contains("unable to find valid certification path")
              .contains("this client does not trust the broker's certificate");
        });
  }

  @Test
  void shouldRefuseAClientCertificateFromAnUnknownCaOnMutualTls() throws Exception {
    SiteConfig site =
        load(
            siteFile("rogue-client", Mode.MTLS, PASSWORD, "vigil-ca", "rogue-client", false),
            PASSWORD);
    assertTimeoutPreemptively(
        BOUND,
        () -> {
          assertAgentCertificateRefused(site);
          String config =
              siteFile("rogue-client-cli", Mode.MTLS, PASSWORD, "vigil-ca", "rogue-client", true)
                  .toString();
          assertThat(promptListFails(config))
              .contains("vigil prompt list: Kafka authentication failed: ")
              .contains("bad_certificate")
              .contains("the broker refused this client's certificate");
        });
  }

  @Test
  void shouldRefuseAClientWithoutCertificateOnMutualTls() throws Exception {
    SiteConfig site =
        load(siteFile("no-client-cert", Mode.MTLS, PASSWORD, "vigil-ca", null, false), PASSWORD);
    assertTimeoutPreemptively(BOUND, () -> assertAgentCertificateRefused(site));
  }

  // --- helpers -----------------------------------------------------------------------------------

  /** What the agent's producer reports when it sends one frame to a broker that refuses it. */
  private static Exception agentSendFailure(SiteConfig site) throws Exception {
    try (Producer<String, byte[]> agent =
        AgentProducer.createKafkaProducer(
            site.kafka().bootstrapServers(), site.kafka().properties())) {
      agent
          .send(
              AgentProducer.frameRecord(site.topics(), "cam", 1, new byte[] {1}, 1, 1, 0, true, 0))
          .get(BOUND.toSeconds(), TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      return (Exception) e.getCause();
    } catch (AuthenticationException e) {
      return e;
    }
    throw new AssertionError("the broker accepted a client it should refuse");
  }

  /** The agent's first send fails because the broker refused its client certificate. */
  private static void assertAgentCertificateRefused(SiteConfig site) throws Exception {
    // TLS 1.3: the broker checks the client certificate after the client's handshake, and
    // answers with an alert.
    Exception e = agentSendFailure(site);
    assertThat(e).isInstanceOf(SslAuthenticationException.class);
    assertThat(chain(e)).contains("bad_certificate");
  }

  private static String chain(Throwable e) {
    StringBuilder s = new StringBuilder();
    for (Throwable t = e; t != null; t = t.getCause()) {
      s.append(t.getClass().getSimpleName()).append(": ").append(t.getMessage()).append(" / ");
    }
    return s.toString();
  }

  /** Polls {@code topic} from the start, read_committed, with the site's security. */
  private static ConsumerRecord<String, byte[]> await(
      SiteConfig.Kafka site, String topic, Predicate<ConsumerRecord<String, byte[]>> wanted) {
    Properties p = KafkaClients.reader(site);
    try (KafkaConsumer<String, byte[]> c =
        new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> parts =
          c.partitionsFor(topic, BOUND).stream()
              .map(i -> new TopicPartition(topic, i.partition()))
              .toList();
      c.assign(parts);
      c.seekToBeginning(parts);
      long deadline = System.nanoTime() + BOUND.toNanos();
      while (System.nanoTime() < deadline) {
        for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
          if (wanted.test(r)) {
            return r;
          }
        }
      }
    }
    return null;
  }

  /** Runs service {@code command} on {@code config}, with a data folder of its own and any port. */
  private static CliRun service(String command, String config, String... more) {
    List<String> args =
        new ArrayList<>(
            List.of(
                command,
                "--config",
                config,
                "--data-dir",
                dir.resolve(command + "-data").toString(),
                "--http-port",
                "0"));
    args.addAll(List.of(more));
    return cli(args.toArray(String[]::new));
  }

  /**
   * Runs {@code vigil prompt list} on {@code config}, which must exit 1, and returns its stderr.
   */
  private static String promptListFails(String config) {
    CliRun list = cli("prompt", "list", "--config", config);
    assertThat(list.exit()).as(list.err()).isEqualTo(1);
    return list.err();
  }

  /** Runs the CLI in this JVM; a failure's one line for the user also goes to the test log. */
  private static CliRun cli(String... args) {
    CliRun run = CliRun.of(args);
    if (run.exit() != 0) {
      run.err().lines().filter(l -> l.startsWith("vigil ")).forEach(System.out::println);
    }
    return run;
  }
}
