package dev.vigil.deploy.drill;

import dev.vigil.config.Json;
import dev.vigil.config.PromptSpec;
import dev.vigil.config.Topics;
import dev.vigil.config.VigilHeaders;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The poison drill: produces bad frames and bad prompts, then checks that every bad frame reached
 * vigil.dlq and both prompts were rejected on vigil.prompt-status. Removes the bad prompts again.
 */
final class PoisonDrill {
  record Check(boolean ok, String note) {}

  private PoisonDrill() {}

  /**
   * @param goodJpeg a real frame, sent under wrong keys and times
   */
  static Check run(Plant plant, Path goodJpeg, long agentReady, String run) throws IOException {
    Faults.untilFault(agentReady);
    Topics topics = Topics.defaults();
    byte[] jpeg = Files.readAllBytes(goodJpeg);
    byte[] garbage = new byte[4096];
    ThreadLocalRandom.current().nextBytes(garbage);
    String a = run + "-a";
    String b = run + "-b";
    long now = System.currentTimeMillis();
    List<ProducerRecord<String, byte[]>> bad = new ArrayList<>();
    bad.add(frame(topics, run, a, garbage, now, a, "1")); // not a JPEG
    bad.add(frame(topics, run, a, new byte[0], now, a, "2")); // empty
    bad.add(frame(topics, run, b, jpeg, now, a, "3")); // vigil.camera header differs from the key
    bad.add(frame(topics, run, "bad camera id!", jpeg, now, null, "4")); // invalid camera id
    bad.add(frame(topics, run, b, jpeg, now + 3_600_000, b, "5")); // an hour in the future
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, plant.kafka().bootstrap());
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    List<String> badPrompts = List.of("poison-unknown-word", "poison-malformed");
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer())) {
      for (ProducerRecord<String, byte[]> r : bad) {
        producer.send(r).get();
      }
      producer
          .send(
              new ProducerRecord<>(
                  topics.prompts(),
                  badPrompts.get(0),
                  Json.toBytes(
                      new PromptSpec(
                          badPrompts.get(0),
                          "How many forklifts are in view?",
                          List.of(),
                          0,
                          "warning"))))
          .get();
      producer
          .send(
              new ProducerRecord<>(
                  topics.prompts(),
                  badPrompts.get(1),
                  "{\"id\":\"poison-malformed\",\"text\":".getBytes(StandardCharsets.UTF_8)))
          .get();
    } catch (Exception e) {
      throw new DrillException("poison: cannot produce the bad records: " + e, e);
    }
    Plant.log("poison: produced %d bad frames and %d bad prompts", bad.size(), badPrompts.size());
    // Positive signals: every bad frame in vigil.dlq, both prompts rejected on vigil.prompt-status.
    long deadline = System.currentTimeMillis() + 90_000;
    Set<String> dead = new HashSet<>();
    int rejected = 0;
    while (System.currentTimeMillis() < deadline) {
      dead.clear();
      for (KafkaTap.DeadLetter d : plant.kafkaTap().deadLetters()) {
        if (d.poison() != null && d.poison().startsWith(run + "/")) {
          dead.add(d.poison() + "=" + d.code());
        }
      }
      rejected = 0;
      for (String id : badPrompts) {
        String status = plant.kafkaTap().promptStatus(id);
        if (status != null && status.contains("\"rejected\"")) {
          rejected++;
        }
      }
      if (dead.size() >= bad.size() && rejected == badPrompts.size()) {
        break;
      }
      KafkaCluster.pause(500);
    }
    // Leave no bad prompt behind for the next drills.
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer())) {
      for (String id : badPrompts) {
        producer.send(new ProducerRecord<>(topics.prompts(), id, null)).get();
      }
    } catch (Exception e) {
      throw new DrillException("poison: cannot remove the bad prompts: " + e, e);
    }
    boolean ok = dead.size() >= bad.size() && rejected == badPrompts.size();
    return new Check(
        ok,
        bad.size()
            + " bad frames (not a JPEG, empty, header differs from key, invalid camera id, 1 h in"
            + " the future): "
            + dead.size()
            + " in vigil.dlq "
            + new java.util.TreeSet<>(dead)
            + "; "
            + badPrompts.size()
            + " bad prompts (unknown word, malformed JSON): "
            + rejected
            + " rejected on vigil.prompt-status; ");
  }

  private static ProducerRecord<String, byte[]> frame(
      Topics topics,
      String run,
      String key,
      byte[] value,
      long ts,
      String cameraHeader,
      String poisonId) {
    RecordHeaders h = new RecordHeaders();
    if (cameraHeader != null) {
      VigilHeaders.put(h, VigilHeaders.CAMERA, cameraHeader);
    }
    VigilHeaders.put(h, VigilHeaders.SEQ, 1_000_000L + Long.parseLong(poisonId));
    VigilHeaders.put(h, VigilHeaders.SCHEMA, VigilHeaders.SCHEMA_VERSION);
    h.add(KafkaTap.POISON_HEADER, (run + "/" + poisonId).getBytes(StandardCharsets.UTF_8));
    return new ProducerRecord<>(topics.frames(), null, ts, key, value, h);
  }
}
