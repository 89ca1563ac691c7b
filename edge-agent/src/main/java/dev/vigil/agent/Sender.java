package dev.vigil.agent;

import dev.vigil.agent.spool.DiskSpool;
import java.io.IOException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RetriableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's one sender thread: takes records from a bounded queue, so a slow broker never stalls
 * capture, and hands them to Kafka. With a spool, what Kafka cannot take (a retriable error) goes
 * to disk, and so does everything after it while the spool holds anything, to keep each camera's
 * capture order.
 */
final class Sender {
  private static final Logger log = LoggerFactory.getLogger(Sender.class);

  private record Outgoing(
      CameraCounters camera, ProducerRecord<String, byte[]> record, boolean audio) {}

  private final AgentProducer producer;
  private final DiskSpool spool;
  private final BlockingQueue<Outgoing> queue;
  private final AtomicLong pending = new AtomicLong();
  private volatile boolean running;
  private Thread thread;

  /**
   * @param spool where records wait while Kafka cannot take them, or null to count them as lost
   */
  Sender(AgentProducer producer, DiskSpool spool, int capacity) {
    this.producer = producer;
    this.spool = spool;
    this.queue = new ArrayBlockingQueue<>(capacity);
  }

  void start() {
    running = true;
    thread = new Thread(this::loop, "vigil-agent-sender");
    thread.setDaemon(true);
    thread.start();
  }

  /** Queues a record; false (and nothing queued) when the queue is full. */
  boolean offer(CameraCounters camera, ProducerRecord<String, byte[]> record, boolean audio) {
    pending.incrementAndGet();
    if (queue.offer(new Outgoing(camera, record, audio))) {
      return true;
    }
    pending.decrementAndGet();
    return false;
  }

  /** Records queued but not yet handed to the producer. */
  long pending() {
    return pending.get();
  }

  /** Sends (or spools) what is queued, then ends the thread. */
  void stop() {
    running = false;
    EdgeAgent.join(thread);
  }

  private void loop() {
    while (running || !queue.isEmpty()) {
      Outgoing o;
      try {
        o = queue.poll(50, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        continue; // drain what is left; the flag ends the loop
      }
      if (o == null) {
        continue;
      }
      try {
        if (spool != null && !spool.isEmpty()) {
          toSpool(o.camera, o.record, null); // keep capture order behind what waits on disk
          continue;
        }
        producer.send(
            o.record,
            (meta, error) -> {
              if (error == null) {
                o.camera.sent(o.audio);
              } else if (spool != null && error instanceof RetriableException) {
                toSpool(o.camera, o.record, error);
              } else {
                o.camera.sendFailed(error);
              }
            });
      } catch (RetriableException e) {
        if (spool != null) {
          toSpool(o.camera, o.record, e);
        } else {
          o.camera.sendFailed(e);
        }
      } catch (RuntimeException e) {
        o.camera.sendFailed(e);
      } finally {
        pending.decrementAndGet();
      }
    }
  }

  private void toSpool(
      CameraCounters camera, ProducerRecord<String, byte[]> record, Exception cause) {
    try {
      boolean first = spool.isEmpty();
      spool.append(record);
      camera.spooled.incrementAndGet();
      if (first) {
        log.warn(
            "Kafka is not taking records ({}): spooling to {} until it does",
            cause == null ? "spool not empty" : cause.toString(),
            spool.dir());
      }
    } catch (IOException e) {
      camera.sendFailed(e);
    }
  }
}
