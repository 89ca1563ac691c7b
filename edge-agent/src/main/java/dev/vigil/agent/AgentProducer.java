package dev.vigil.agent;

import dev.vigil.config.AudioFeatures;
import dev.vigil.config.Json;
import dev.vigil.config.KafkaClients;
import dev.vigil.config.SiteConfig;
import dev.vigil.config.Topics;
import dev.vigil.config.VigilHeaders;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Builds and sends the {@code vigil.frames} and {@code vigil.audio} records of DESIGN.md, and
 * creates the idempotent Kafka producer the agent uses.
 *
 * <p>Ownership: wraps a producer it does not own (the caller closes it). Thread-safe as far as the
 * wrapped producer is ({@link KafkaProducer} is).
 */
public final class AgentProducer {
  /**
   * Default linger: a few frames of several cameras can share a batch, and a frame waits little.
   * `vigil bench` with 4 cameras at 2 fps: capture to processor consumer p50 9 / 12 / 26 ms at 0 /
   * 5 / 20 ms linger.
   */
  public static final int DEFAULT_LINGER_MS = 5;

  /** Default batch size: a few 50-100 KB JPEGs per partition batch. */
  public static final int DEFAULT_BATCH_SIZE = 512 * 1024;

  /** Default max block: bounds how long send() may stall the sender when Kafka is away. */
  public static final int DEFAULT_MAX_BLOCK_MS = 5_000;

  private final Producer<String, byte[]> producer;
  private final Topics topics;

  public AgentProducer(Producer<String, byte[]> producer, Topics topics) {
    this.producer = Objects.requireNonNull(producer, "producer");
    this.topics = Objects.requireNonNull(topics, "topics");
  }

  /**
   * The producer configuration: our defaults, then {@code extra} (from {@code
   * SiteConfig.Kafka.properties}; may tune linger.ms, batch.size, security), then the settings that
   * keep delivery exactly-once per partition, which {@code extra} cannot weaken.
   */
  public static Map<String, Object> producerConfig(
      String bootstrapServers, Map<String, String> extra) {
    Map<String, Object> defaults = new HashMap<>();
    defaults.put(ProducerConfig.LINGER_MS_CONFIG, DEFAULT_LINGER_MS);
    defaults.put(ProducerConfig.BATCH_SIZE_CONFIG, DEFAULT_BATCH_SIZE);
    defaults.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, DEFAULT_MAX_BLOCK_MS);
    defaults.put(ProducerConfig.CLIENT_ID_CONFIG, "vigil-edge-agent");
    Map<String, Object> c = new HashMap<>();
    KafkaClients.producer(new SiteConfig.Kafka(bootstrapServers, null, extra), defaults)
        .forEach((k, v) -> c.put(String.valueOf(k), v));
    c.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    c.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    return c;
  }

  /** Creates a Kafka producer with {@link #producerConfig}. The caller owns and closes it. */
  public static Producer<String, byte[]> createKafkaProducer(
      String bootstrapServers, Map<String, String> extra) {
    return new KafkaProducer<>(producerConfig(bootstrapServers, extra));
  }

  /** The {@code vigil.frames} record: key camera id, value the JPEG, timestamp capture time. */
  public static ProducerRecord<String, byte[]> frameRecord(
      Topics topics,
      String cameraId,
      long seq,
      byte[] jpeg,
      int width,
      int height,
      double motion,
      boolean keyframe,
      long captureTimeMs) {
    ProducerRecord<String, byte[]> r =
        new ProducerRecord<>(topics.frames(), null, captureTimeMs, cameraId, jpeg);
    VigilHeaders.put(r.headers(), VigilHeaders.CAMERA, cameraId);
    VigilHeaders.put(r.headers(), VigilHeaders.SEQ, seq);
    VigilHeaders.put(r.headers(), VigilHeaders.WIDTH, width);
    VigilHeaders.put(r.headers(), VigilHeaders.HEIGHT, height);
    VigilHeaders.put(r.headers(), VigilHeaders.MOTION, motion);
    VigilHeaders.put(r.headers(), VigilHeaders.KEYFRAME, keyframe ? 1 : 0);
    VigilHeaders.put(r.headers(), VigilHeaders.SCHEMA, VigilHeaders.SCHEMA_VERSION);
    return r;
  }

  /** The {@code vigil.audio} record: s16le mono PCM, timestamp = capture of the first sample. */
  public static ProducerRecord<String, byte[]> audioRecord(
      Topics topics, String cameraId, long seq, byte[] pcm, int sampleRate, long captureTimeMs) {
    ProducerRecord<String, byte[]> r =
        new ProducerRecord<>(topics.audio(), null, captureTimeMs, cameraId, pcm);
    VigilHeaders.put(r.headers(), VigilHeaders.CAMERA, cameraId);
    VigilHeaders.put(r.headers(), VigilHeaders.SEQ, seq);
    VigilHeaders.put(r.headers(), VigilHeaders.RATE, sampleRate);
    VigilHeaders.put(r.headers(), VigilHeaders.SCHEMA, VigilHeaders.SCHEMA_VERSION);
    return r;
  }

  /**
   * The {@code vigil.audio-features} record: {@link AudioFeatures} JSON of one snippet, timestamp =
   * capture of its first sample, its length in {@link VigilHeaders#DURATION_MS}.
   */
  public static ProducerRecord<String, byte[]> audioFeaturesRecord(
      Topics topics,
      String cameraId,
      long seq,
      AudioFeatures features,
      long durationMs,
      long captureTimeMs) {
    ProducerRecord<String, byte[]> r =
        new ProducerRecord<>(
            topics.audioFeatures(), null, captureTimeMs, cameraId, Json.toBytes(features));
    VigilHeaders.put(r.headers(), VigilHeaders.CAMERA, cameraId);
    VigilHeaders.put(r.headers(), VigilHeaders.SEQ, seq);
    VigilHeaders.put(r.headers(), VigilHeaders.DURATION_MS, durationMs);
    VigilHeaders.put(r.headers(), VigilHeaders.SCHEMA, VigilHeaders.SCHEMA_VERSION);
    return r;
  }

  public Topics topics() {
    return topics;
  }

  /** Sends a record; may block up to the producer's max.block.ms. */
  public Future<RecordMetadata> send(ProducerRecord<String, byte[]> record, Callback callback) {
    return producer.send(record, callback);
  }

  /** Blocks until every record sent so far is acknowledged or failed. */
  public void flush() {
    producer.flush();
  }
}
