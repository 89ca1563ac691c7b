package dev.vigil.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.config.HttpAccess;
import dev.vigil.config.SiteConfig;
import dev.vigil.deploy.embedded.EmbeddedKafka;
import dev.vigil.deploy.embedded.EmbeddedMqtt;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scrapes the /metrics of a running processor, agent and alerts (embedded Kafka and MQTT, real
 * footage) and checks that the Prometheus rules and the Grafana dashboard name only metrics that
 * are served, and that every scrape is well-formed Prometheus text: each sample belongs to a family
 * declared by a {@code # TYPE} line before it, and its value is a number.
 */
class MonitoringScrapeIT {
  private static final Path RULES = Path.of("prometheus/vigil-rules.yaml");
  private static final Path GRAFANA = Path.of("grafana/vigil.json");
  private static final Pattern NAME = Pattern.compile("\\bvigil_[a-z_]+");
  private static final Pattern TYPE =
      Pattern.compile(
          "# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped)");
  private static final Pattern SAMPLE =
      Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{[^}]*\\})? (\\S+)( -?\\d+)?");

  /**
   * Counts only events a healthy run has none of: the MQTT broker refusing a publish (its ACL).
   * AlertsServiceTest sees it served after a refusal.
   */
  private static final Set<String> NOT_IN_A_HEALTHY_RUN = Set.of("vigil_alerts_refused_total");

  @TempDir Path dir;

  @Test
  void shouldServeEveryMetricTheRulesAndTheDashboardNameWhenFramesFlow() throws Exception {
    Path video = TestSites.walkingClip();
    Set<String> wanted = new TreeSet<>(named(RULES));
    wanted.addAll(named(GRAFANA));
    wanted.removeAll(NOT_IN_A_HEALTHY_RUN);
    try (EmbeddedKafka kafka = EmbeddedKafka.start(0, dir.resolve("kafka"));
        EmbeddedMqtt mqtt = EmbeddedMqtt.start(0)) {
      SiteConfig site =
          TestSites.oneCamera("scrape", kafka.bootstrapServers(), mqtt.url(), "walk", video);
      try (VigilParts parts = VigilParts.open(site, dir.resolve("state"))) {
        parts.provisionAndSeed();
        parts.startSingleProcessor();
        int processor = parts.startDashboard(0);
        AlertsRunner alerts = parts.startAlerts(alert -> {});
        try (AlertsHttp alertsHttp = AlertsHttp.start(alerts, 0)) {
          parts.startAgent();
          int agent = parts.serveAgentHttp("127.0.0.1", 0, HttpAccess.open());
          // A frame with no JPEG: the processor drops it and dead-letters it.
          sendEmptyFrame(kafka.bootstrapServers(), site, "walk");
          Map<String, Integer> ports = new LinkedHashMap<>();
          ports.put("processor", processor);
          ports.put("agent", agent);
          ports.put("alerts", alertsHttp.port());

          // The GC pause timer exists once a collection has happened, which a short run may not
          // see by itself: ask for one (all three services share this JVM) and wait for it.
          System.gc();
          Map<String, Scrape> scrapes = awaitServed(ports, wanted, Duration.ofMinutes(4));

          Set<String> served = new TreeSet<>();
          scrapes.values().forEach(s -> served.addAll(s.withSamples));
          assertThat(served).as("vigil_ metrics served with samples").containsAll(wanted);
          for (var e : scrapes.entrySet()) {
            Scrape s = e.getValue();
            assertThat(s.errors).as(e.getKey() + " /metrics parse errors").isEmpty();
            assertThat(s.families)
                .as(e.getKey() + " serves the JVM's and its Kafka clients' meters")
                .contains(
                    "jvm_memory_used_bytes", "jvm_gc_pause_seconds", "jvm_threads_live_threads")
                .anyMatch(f -> f.startsWith("kafka_"));
            System.out.printf(
                "%s /metrics: %d bytes, %d samples, %d families (%d vigil_, %d jvm_, %d kafka_)%n",
                e.getKey(),
                s.bytes,
                s.samples,
                s.families.size(),
                s.count("vigil_"),
                s.count("jvm_"),
                s.count("kafka_"));
          }
          assertThat(scrapes.get("processor").families)
              .anyMatch(f -> f.startsWith("kafka_stream_"));
        }
      }
    }
  }

  /**
   * Scrapes every service until the wanted names all have samples and each serves the GC pause
   * timer, or the time is up.
   */
  private static Map<String, Scrape> awaitServed(
      Map<String, Integer> ports, Set<String> wanted, Duration timeout) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      Map<String, Scrape> scrapes = new LinkedHashMap<>();
      Set<String> served = new TreeSet<>();
      for (var e : ports.entrySet()) {
        HttpResponse<String> r =
            http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + e.getValue() + "/metrics"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(e.getKey() + " /metrics").isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type"))
            .hasValueSatisfying(t -> assertThat(t).startsWith("text/plain; version=0.0.4"));
        Scrape s = Scrape.parse(r.body());
        scrapes.put(e.getKey(), s);
        served.addAll(s.withSamples);
      }
      boolean paused =
          scrapes.values().stream().allMatch(s -> s.families.contains("jvm_gc_pause_seconds"));
      if ((served.containsAll(wanted) && paused) || System.nanoTime() > deadline) {
        return scrapes;
      }
      Thread.sleep(500);
    }
  }

  private static void sendEmptyFrame(String bootstrap, SiteConfig site, String camera)
      throws Exception {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer())) {
      producer.send(new ProducerRecord<>(site.topics().frames(), camera, new byte[0])).get();
    }
  }

  private static Set<String> named(Path file) throws Exception {
    Set<String> names = new TreeSet<>();
    Matcher m = NAME.matcher(Files.readString(file, StandardCharsets.UTF_8));
    while (m.find()) {
      names.add(m.group().replaceAll("_(bucket|sum|count)$", ""));
    }
    return names;
  }

  /** One /metrics body: its families, those with samples, and the lines that do not parse. */
  private record Scrape(
      Set<String> families, Set<String> withSamples, Set<String> errors, int samples, int bytes) {
    static Scrape parse(String body) {
      Set<String> families = new TreeSet<>();
      Set<String> withSamples = new TreeSet<>();
      Set<String> errors = new TreeSet<>();
      int samples = 0;
      for (String line : body.split("\n")) {
        if (line.isBlank() || line.startsWith("# HELP ")) {
          continue;
        }
        Matcher type = TYPE.matcher(line);
        if (type.matches()) {
          families.add(type.group(1));
          continue;
        }
        Matcher sample = SAMPLE.matcher(line);
        if (!sample.matches() || !isNumber(sample.group(3))) {
          errors.add("not a sample: " + line);
          continue;
        }
        String family = familyOf(sample.group(1), families);
        if (family == null) {
          errors.add("no # TYPE before: " + line);
        } else {
          withSamples.add(family);
          samples++;
        }
      }
      return new Scrape(
          families, withSamples, errors, samples, body.getBytes(StandardCharsets.UTF_8).length);
    }

    private static String familyOf(String name, Set<String> families) {
      if (families.contains(name)) {
        return name;
      }
      String base = name.replaceAll("_(bucket|sum|count)$", "");
      return families.contains(base) ? base : null;
    }

    private static boolean isNumber(String v) {
      if (v.equals("+Inf") || v.equals("-Inf") || v.equals("NaN")) {
        return true;
      }
      try {
        Double.parseDouble(v);
        return true;
      } catch (NumberFormatException e) {
        return false;
      }
    }

    long count(String prefix) {
      return families.stream().filter(f -> f.startsWith(prefix)).count();
    }
  }
}
