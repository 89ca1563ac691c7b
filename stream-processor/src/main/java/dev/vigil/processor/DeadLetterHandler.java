package dev.vigil.processor;

import dev.vigil.processor.dashboard.VigilMetrics;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kafka Streams' deserialization, processing (KIP-1033) and production exception handler in one: a
 * record that cannot be read, processed or written goes to {@code vigil.dlq} with its origin,
 * exception class and a one-line reason, and processing goes on with the next record. So one bad
 * record never crash-loops a stream thread and darkens every camera of its partition.
 *
 * <p>The dead letter is written by a producer of its own (idempotent, {@code acks=all}) and awaited
 * before the handler answers CONTINUE; if even that fails, it answers FAIL, so a record is never
 * skipped without a trace.
 */
public final class DeadLetterHandler
    implements DeserializationExceptionHandler,
        ProcessingExceptionHandler,
        ProductionExceptionHandler {
  /** Config key: the dead-letter topic. */
  public static final String TOPIC_CONFIG = "vigil.dlq.topic";

  /** Config key: the {@link VigilMetrics} that counts dead letters (an object, not a string). */
  public static final String METRICS_CONFIG = "vigil.metrics";

  private static final Logger LOG = LoggerFactory.getLogger(DeadLetterHandler.class);
  private static final Map<String, Producer<byte[], byte[]>> PRODUCERS = new ConcurrentHashMap<>();

  private String topic;
  private VigilMetrics metrics;
  private Map<String, Object> producerConfig;

  @Override
  public void configure(Map<String, ?> configs) {
    topic = String.valueOf(configs.get(TOPIC_CONFIG));
    metrics = configs.get(METRICS_CONFIG) instanceof VigilMetrics m ? m : new VigilMetrics();
    Map<String, Object> streams = new HashMap<>(configs);
    streams.remove(METRICS_CONFIG);
    producerConfig =
        new HashMap<>(new StreamsConfig(streams).getProducerConfigs("vigil-dead-letters"));
    producerConfig.remove(ProducerConfig.TRANSACTIONAL_ID_CONFIG);
    producerConfig.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    producerConfig.put(ProducerConfig.ACKS_CONFIG, "all");
    producerConfig.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    producerConfig.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
  }

  @Override
  public DeserializationHandlerResponse handle(
      ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record, Exception exception) {
    boolean stored =
        store(
            context,
            record.key(),
            record.value(),
            new DeadLetters.Reason(
                "undeserializable",
                "cannot deserialize: " + exception.getMessage(),
                exception.getClass()));
    return stored ? DeserializationHandlerResponse.CONTINUE : DeserializationHandlerResponse.FAIL;
  }

  @Override
  public ProcessingHandlerResponse handle(
      ErrorHandlerContext context, Record<?, ?> record, Exception exception) {
    boolean stored =
        storeSource(
            context,
            "processing_error",
            "processing failed in "
                + context.processorNodeId()
                + ": "
                + exception.getClass().getSimpleName()
                + ": "
                + exception.getMessage(),
            exception);
    if (stored) {
      LOG.warn("record skipped after a processing error", exception);
    }
    return stored ? ProcessingHandlerResponse.CONTINUE : ProcessingHandlerResponse.FAIL;
  }

  @Override
  public ProductionExceptionHandlerResponse handle(
      ErrorHandlerContext context, ProducerRecord<byte[], byte[]> record, Exception exception) {
    if (topic.equals(record.topic())) {
      // The dead letter itself failed: stop rather than loop.
      return ProductionExceptionHandlerResponse.FAIL;
    }
    return continueIf(
        storeSource(
            context,
            "production_error",
            "cannot write to " + record.topic() + ": " + exception.getMessage(),
            exception));
  }

  @Override
  @SuppressWarnings("rawtypes")
  public ProductionExceptionHandlerResponse handleSerializationException(
      ErrorHandlerContext context,
      ProducerRecord record,
      Exception exception,
      SerializationExceptionOrigin origin) {
    return continueIf(
        storeSource(
            context,
            "serialization_error",
            "cannot serialize the " + origin + " for " + record.topic() + ": " + exception,
            exception));
  }

  /** Stores the source record whose processing or production failed. */
  private boolean storeSource(
      ErrorHandlerContext context, String code, String detail, Exception exception) {
    return store(
        context,
        context.sourceRawKey(),
        context.sourceRawValue(),
        new DeadLetters.Reason(code, detail, exception.getClass()));
  }

  private static ProductionExceptionHandlerResponse continueIf(boolean stored) {
    return stored
        ? ProductionExceptionHandlerResponse.CONTINUE
        : ProductionExceptionHandlerResponse.FAIL;
  }

  private boolean store(
      ErrorHandlerContext context, byte[] key, byte[] value, DeadLetters.Reason reason) {
    Headers headers = new RecordHeaders(context.headers().toArray());
    DeadLetters.origin(headers, context.topic(), context.partition(), context.offset());
    byte[] payload = DeadLetters.payload(headers, value, reason);
    try {
      producer()
          .send(new ProducerRecord<>(topic, null, null, key, payload, headers))
          .get(30, TimeUnit.SECONDS);
      metrics.deadLetter(reason.code());
      return true;
    } catch (Exception e) {
      LOG.error("cannot write a dead letter to {}; failing the record instead", topic, e);
      return false;
    }
  }

  private Producer<byte[], byte[]> producer() {
    String bootstrap = String.valueOf(producerConfig.get(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG));
    return PRODUCERS.computeIfAbsent(bootstrap, b -> new KafkaProducer<>(producerConfig));
  }

  /** Closes the dead-letter producers; called when the streams app closes. */
  static void closeProducers() {
    PRODUCERS.values().forEach(Producer::close);
    PRODUCERS.clear();
  }
}
