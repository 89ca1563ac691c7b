package dev.vigil.agent;

import dev.vigil.agent.spool.DiskSpool;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.function.Function;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.RetriableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the spool back to Kafka, oldest segment first, retrying with the live-source backoff, until
 * the agent closes. A segment is removed only when every record in it was acknowledged (or refused
 * for good, and counted), and a retry resumes after the records already acknowledged.
 */
final class SpoolReplayer {
  private static final Logger log = LoggerFactory.getLogger(SpoolReplayer.class);

  private final AgentProducer producer;
  private final DiskSpool spool;
  private final AgentOptions options;
  private final Function<String, CameraCounters> cameraOf;
  private volatile boolean running;
  private Thread thread;
  // Progress within the segment being replayed (replay thread only).
  private long replaying = -1;
  private int replayedPrefix;

  /**
   * @param cameraOf the counters of a record's camera by its key, or null (another run's camera)
   */
  SpoolReplayer(
      AgentProducer producer,
      DiskSpool spool,
      AgentOptions options,
      Function<String, CameraCounters> cameraOf) {
    this.producer = producer;
    this.spool = spool;
    this.options = options;
    this.cameraOf = cameraOf;
  }

  void start() {
    running = true;
    thread = new Thread(this::loop, "vigil-agent-spool-replay");
    thread.setDaemon(true);
    thread.start();
  }

  /**
   * Gives the replay up to {@code grace} to empty the spool, then stops; the rest stays on disk.
   */
  void stop(Duration grace) {
    long deadline = System.nanoTime() + grace.toNanos();
    while (!spool.isEmpty() && System.nanoTime() < deadline) {
      EdgeAgent.sleepQuietly(20);
    }
    running = false;
    thread.interrupt();
    EdgeAgent.join(thread);
    if (!spool.isEmpty()) {
      log.warn(
          "{} record(s) stay spooled in {} for the next start",
          spool.stats().records(),
          spool.dir());
    }
  }

  private void loop() {
    long delayMs = options.retryInitialDelay().toMillis();
    while (running) {
      try {
        DiskSpool.Segment segment = spool.oldest();
        if (segment == null) {
          EdgeAgent.sleepQuietly(100);
          continue;
        }
        if (replay(segment)) {
          spool.remove(segment);
          delayMs = options.retryInitialDelay().toMillis();
          if (spool.isEmpty()) {
            log.info("Spool {} replayed: sending directly again ({})", spool.dir(), spool.stats());
          }
          continue;
        }
      } catch (IOException e) {
        log.warn("Spool {}: {}", spool.dir(), e.toString());
      }
      EdgeAgent.sleepQuietly(delayMs);
      delayMs = Math.min(options.retryMaxDelay().toMillis(), delayMs * 2);
    }
  }

  /**
   * Sends one segment's records not yet acknowledged in an earlier attempt and waits for their
   * acknowledgements.
   *
   * @return true when every record was acknowledged (or refused for good, and counted)
   */
  private boolean replay(DiskSpool.Segment segment) {
    if (segment.number() != replaying) {
      replaying = segment.number();
      replayedPrefix = 0;
    }
    List<ProducerRecord<String, byte[]>> records = segment.records();
    // One entry per record sent, in order; null for a record Kafka refused for good on send.
    List<Future<RecordMetadata>> acks = new ArrayList<>();
    boolean unreachable = false;
    for (int i = replayedPrefix; i < records.size() && !unreachable; i++) {
      try {
        Future<RecordMetadata> ack = producer.send(records.get(i), null);
        // Kafka reports "no metadata" as an already failed future: stop here, or the records
        // after it could reach Kafka first once it is back, and again on the next attempt.
        unreachable = failedAlready(ack);
        if (!unreachable) {
          acks.add(ack);
        }
      } catch (RetriableException e) {
        unreachable = true;
      } catch (RuntimeException e) {
        refusedForGood(records.get(i), e);
        acks.add(null);
      }
    }
    for (Future<RecordMetadata> ack : acks) {
      ProducerRecord<String, byte[]> record = records.get(replayedPrefix);
      if (ack != null) {
        try {
          ack.get();
          CameraCounters camera = cameraOf(record);
          if (camera != null) {
            camera.sent(!record.topic().equals(producer.topics().frames()));
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return false;
        } catch (ExecutionException e) {
          if (e.getCause() instanceof RetriableException) {
            return false;
          }
          refusedForGood(record, e.getCause() instanceof Exception x ? x : e);
        }
      }
      replayedPrefix++;
    }
    return !unreachable;
  }

  private static boolean failedAlready(Future<RecordMetadata> ack) {
    if (!ack.isDone()) {
      return false;
    }
    try {
      ack.get();
      return false;
    } catch (ExecutionException e) {
      return e.getCause() instanceof RetriableException;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return true;
    }
  }

  private void refusedForGood(ProducerRecord<String, byte[]> record, Exception e) {
    log.warn("Spool {}: Kafka refused a record for good: {}", spool.dir(), e.toString());
    CameraCounters camera = cameraOf(record);
    if (camera != null) {
      camera.sendFailed(e);
    }
  }

  private CameraCounters cameraOf(ProducerRecord<String, byte[]> record) {
    return record.key() == null ? null : cameraOf.apply(record.key());
  }
}
