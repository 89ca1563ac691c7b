package dev.vigil.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.agent.AgentProducer;
import dev.vigil.config.Json;
import dev.vigil.config.PromptSpec;
import dev.vigil.config.SiteConfig;
import dev.vigil.config.Violation;
import dev.vigil.config.VlmAnswer;
import dev.vigil.deploy.embedded.EmbeddedKafka;
import dev.vigil.inference.audio.AudioAnalyzer;
import dev.vigil.inference.vlm.FakeChatServer;
import dev.vigil.inference.vlm.FakeChatServer.Reply;
import dev.vigil.inference.vlm.TestImages;
import dev.vigil.inference.vlm.VlmClient;
import dev.vigil.processor.ProcessorApp;
import dev.vigil.processor.vlm.AnswerLog;
import dev.vigil.processor.vlm.VlmDispatcher;
import dev.vigil.processor.vlm.VlmRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A prompt outside the language, end to end on the embedded broker: the processor asks a model
 * behind a loopback chat-completions server, the answers travel through {@code vigil.vlm-answers},
 * and the same temporal rules open and resolve the violation. A second processor replaying the same
 * frames from the start reuses the recorded answers and calls the model no more. The person
 * detector is replaced by one that always sees a person (the cheap gate holds); broker, Streams,
 * transactions, client and wire format are real. The prompt's model status shows the calls of every
 * instance: another instance's 401 reaches the one that reports statuses, and a restarted one.
 */
class VlmRouteIT {
  private static final String EXIT = "Is the fire exit blocked?";
  private static final byte[] FRAME = TestImages.jpeg(160, 120);

  @TempDir Path dir;

  @Test
  void shouldOpenAndResolveAViolationFromTheModelAndReplayWithoutCallingAgain() throws Exception {
    try (EmbeddedKafka kafka = EmbeddedKafka.start(0, dir.resolve("kafka"));
        FakeChatServer model =
            FakeChatServer.start(Reply.answer(true, 0.92, "boxes block the exit door"))) {
      SiteConfig.Vlm vlm = SiteConfig.Vlm.of(model.baseUrl(), "fake-vl").withMinIntervalS(0);
      SiteConfig site = provisioned(kafka, vlm);
      long base = System.currentTimeMillis() - 60_000;
      List<Violation> firstRun;
      try (ProcessorApp processor = processor(site, "vlm-it", vlm);
          Producer<String, byte[]> frames =
              AgentProducer.createKafkaProducer(kafka.bootstrapServers(), Map.of())) {
        started(processor);
        send(frames, site, 0, 3, base);
        List<Violation> open = await(site, v -> v.state().equals(Violation.State.OPEN), 1);
        assertThat(open.get(0).model().name()).isEqualTo("fake-vl");
        assertThat(open.get(0).model().reason()).isEqualTo("boxes block the exit door");

        model.reply(Reply.answer(false, 0.9, "the exit is clear"));
        send(frames, site, 8, 11, base);
        firstRun = await(site, v -> v.state().equals(Violation.State.RESOLVED), 1);
      }
      int calls = model.requests().size();
      assertThat(calls).isGreaterThanOrEqualTo(2);

      // Replay: a new application reads the same frames and answers from the start.
      try (ProcessorApp replay = processor(site, "vlm-it-replay", vlm)) {
        started(replay);
        List<Violation> again = await(site, v -> v.state().equals(Violation.State.RESOLVED), 2);
        assertThat(again.get(1).id()).isEqualTo(firstRun.get(0).id());
        assertThat(model.requests()).as("no call made by the replay").hasSize(calls);
        assertThat(replay.vlmMetrics().skipped("recorded")).isGreaterThanOrEqualTo(2);
      }
    }
  }

  @Test
  void shouldShowAnotherInstancesUnreachableModelAndStillKnowItAfterARestart() throws Exception {
    try (EmbeddedKafka kafka = EmbeddedKafka.start(0, dir.resolve("kafka"));
        FakeChatServer model = FakeChatServer.start(Reply.answer(true, 0.9, "r"));
        FakeChatServer refusing =
            FakeChatServer.requiringKey("sk-right", Reply.answer(true, 0.9, "r"))) {
      SiteConfig.Vlm vlm = SiteConfig.Vlm.of(model.baseUrl(), "fake-vl");
      SiteConfig site = provisioned(kafka, vlm);
      try (ProcessorApp reporter = processor(site, "vlm-status", vlm);
          KafkaConsumer<String, String> status = statusFromNow(site)) {
        started(reporter);
        assertThat(awaitModelStatus(status, s -> s.equals("ok"))).isEqualTo("ok");
        // Another instance, whose key the server refuses, asks about its own camera.
        SiteConfig.Vlm noKey = SiteConfig.Vlm.of(refusing.baseUrl(), "fake-vl");
        try (AnswerLog log = new AnswerLog(site.kafka(), site.topics().vlmAnswers());
            VlmDispatcher other =
                new VlmDispatcher(noKey, new VlmClient(noKey), log, System::currentTimeMillis)) {
          long t = System.currentTimeMillis();
          other.frame("far", t, FRAME);
          VlmRequest ask =
              new VlmRequest(VlmAnswer.ASK, "far", "exit", "m", EXIT, null, t, null, null);
          assertThat(other.offer(List.of(ask))).isEqualTo(VlmDispatcher.Offer.QUEUED);
          long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
          while (!(other.idle() && refusing.requests().size() == 1)
              && System.nanoTime() < deadline) {
            Thread.sleep(50);
          }
        }
        assertThat(awaitModelStatus(status, s -> !s.equals("ok")))
            .startsWith("model unreachable: 401")
            .endsWith("(camera far)");
      }
      // A restarted instance knows it from the topic before making any call.
      try (KafkaConsumer<String, String> status = statusFromNow(site);
          ProcessorApp restarted = processor(site, "vlm-status", vlm)) {
        started(restarted);
        assertThat(awaitModelStatus(status, s -> true)).startsWith("model unreachable: 401");
      }
    }
  }

  /** A one-camera site asking {@link #EXIT} of {@code vlm}, its topics made and prompts seeded. */
  @Test
  void shouldKeepReadingTheAnswersBackAfterOneCouldNotBeTaken() throws Exception {
    try (EmbeddedKafka kafka = EmbeddedKafka.start(0, dir.resolve("kafka"))) {
      SiteConfig site = provisioned(kafka, SiteConfig.Vlm.of("http://127.0.0.1:1/v1", "m"));
      List<String> taken = new CopyOnWriteArrayList<>();
      try (AnswerLog log = new AnswerLog(site.kafka(), site.topics().vlmAnswers())) {
        log.follow(
            a -> {
              if (a.requestId().equals("bad")) {
                throw new IllegalStateException("a reader that cannot take this answer");
              }
              taken.add(a.requestId());
            },
            Duration.ofSeconds(30));
        log.accept(answer("bad"));
        log.accept(answer("good"));
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!taken.contains("good") && System.nanoTime() < deadline) {
          Thread.sleep(50);
        }
        assertThat(taken).containsExactly("good");
        assertThat(log.readFailures()).isEqualTo(1);
      }
    }
  }

  private static VlmAnswer answer(String requestId) {
    return new VlmAnswer(
        VlmAnswer.SCHEMA,
        requestId,
        "cam",
        "exit",
        "m",
        System.currentTimeMillis(),
        VlmAnswer.ASK,
        null,
        "m",
        VlmAnswer.NO,
        null,
        0.9,
        "clear",
        null,
        1.0,
        null,
        null,
        null);
  }

  private SiteConfig provisioned(EmbeddedKafka kafka, SiteConfig.Vlm vlm) throws Exception {
    SiteConfig oneCamera =
        TestSites.oneCamera(
            "vlm", kafka.bootstrapServers(), "tcp://localhost:1", "cam", dir.resolve("x.mp4"));
    SiteConfig site =
        oneCamera
            .withPrompts(List.of(new PromptSpec("exit", EXIT, List.of(), 0, "critical")))
            .withVlm(vlm);
    try (VigilParts parts = VigilParts.open(site, dir.resolve("parts"))) {
      parts.provisionAndSeed();
    }
    return site;
  }

  /** A reader of {@code vigil.prompt-status} from its current end: what is written from now on. */
  private static KafkaConsumer<String, String> statusFromNow(SiteConfig site) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, site.kafka().bootstrapServers());
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    KafkaConsumer<String, String> c =
        new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer());
    List<TopicPartition> parts =
        c.partitionsFor(site.topics().promptStatus()).stream()
            .map(i -> new TopicPartition(i.topic(), i.partition()))
            .toList();
    c.assign(parts);
    c.seekToEnd(parts);
    parts.forEach(c::position);
    return c;
  }

  /** Waits for a status of prompt "exit" whose model_status matches, and returns that. */
  private static String awaitModelStatus(
      KafkaConsumer<String, String> status, Predicate<String> which) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      for (ConsumerRecord<String, String> r : status.poll(Duration.ofMillis(200))) {
        if ("exit".equals(r.key()) && r.value() != null) {
          String model = Json.mapper().readTree(r.value()).path("model_status").asText();
          if (which.test(model)) {
            return model;
          }
        }
      }
    }
    throw new AssertionError("no status of prompt exit with the model_status wanted");
  }

  private ProcessorApp processor(SiteConfig site, String appId, SiteConfig.Vlm vlm) {
    return new ProcessorApp(
        site.kafka(),
        site.topics(),
        Map.of("cam", site.cameras().get(0)),
        new OnePerson(),
        () -> new AudioAnalyzer()::analyze,
        new ProcessorApp.Options(appId, dir.resolve(appId), 1, 100),
        vlm);
  }

  private static void started(ProcessorApp processor) throws InterruptedException {
    processor.start();
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (processor.streams().state() != KafkaStreams.State.RUNNING
        && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    assertThat(processor.streams().state()).isEqualTo(KafkaStreams.State.RUNNING);
  }

  /** Frames {@code from..to} (inclusive), one a second of event time after {@code base}. */
  private static void send(
      Producer<String, byte[]> frames, SiteConfig site, int from, int to, long base) {
    for (int s = from; s <= to; s++) {
      frames.send(
          AgentProducer.frameRecord(
              site.topics(), "cam", s, FRAME, 160, 120, 1, true, base + 1_000L * s));
    }
    frames.flush();
  }

  /** Waits until {@code n} committed violations match, and returns them in order. */
  private static List<Violation> await(SiteConfig site, Predicate<Violation> which, int n) {
    List<Violation> out = new ArrayList<>();
    try (KafkaConsumer<String, Violation> c =
        TestViolations.committedReader(
            site.kafka().bootstrapServers(), site.topics().violations())) {
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (out.size() < n && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, Violation> r : c.poll(Duration.ofMillis(200))) {
          if (which.test(r.value())) {
            out.add(r.value());
          }
        }
      }
    }
    assertThat(out).as("committed violations matching").hasSizeGreaterThanOrEqualTo(n);
    return out;
  }
}
