package dev.vigil.deploy.bench;

import dev.vigil.agent.AgentOptions;
import dev.vigil.agent.EdgeAgent;
import dev.vigil.config.SiteConfig;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Frames written ahead of the processor: the agent encodes the footage to {@code vigil.frames} as
 * fast as it can, with no motion gate, and the bench can read the JPEGs back.
 */
final class Backlog {
  private static final Logger LOG = LoggerFactory.getLogger(Backlog.class);

  /** Cameras that write a backlog, spread evenly over the partitions. */
  static final int CAMERAS = 16;

  private Backlog() {}

  /** Produces about {@code target} frames from the footage as fast as the agent can. */
  static void produce(BenchContext ctx, String prefix, int target) throws InterruptedException {
    // Sixteen cameras share the backlog, so its capture times run less far ahead of the wall clock
    // and the clip (1,390 frames) does not run out, four per partition: frames are keyed by
    // camera, and plain ids would hash unevenly onto the four partitions, leaving one stream
    // thread idle for the end of the window.
    List<SiteConfig.Camera> cams = new ArrayList<>();
    for (String id : balancedIds(prefix, CAMERAS / Bench.PARTITIONS, Bench.PARTITIONS)) {
      cams.add(new SiteConfig.Camera(id, ctx.clips.get(0).toString(), 10, 10, 0, 0, List.of()));
    }
    long t0 = System.nanoTime();
    EdgeAgent agent = new EdgeAgent(cams, ctx.producer, ctx.site.topics(), AgentOptions.defaults());
    agent.start();
    try {
      while (Fleet.sent(agent.stats()) < target && !Fleet.ended(agent.stats())) {
        Thread.sleep(20);
      }
    } finally {
      agent.close();
      ctx.producer.flush();
    }
    LOG.info(
        "bench: backlog {}: {} frames in {} s",
        prefix,
        Fleet.sent(agent.stats()),
        BenchContext.fmt((System.nanoTime() - t0) / 1e9));
  }

  /** The first {@code max} frames of {@code vigil.frames}, as the pipeline carries them. */
  static List<byte[]> readBack(BenchContext ctx, int max) {
    List<byte[]> out = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> c = ctx.framesConsumer()) {
      c.seekToBeginning(c.assignment());
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (out.size() < max && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
          if (out.size() < max) {
            out.add(r.value());
          }
        }
      }
    }
    return out;
  }

  /** Camera ids, {@code perPartition} of them on each partition under Kafka's key hashing. */
  static List<String> balancedIds(String prefix, int perPartition, int partitions) {
    int[] taken = new int[partitions];
    List<String> ids = new ArrayList<>();
    for (int i = 0; ids.size() < perPartition * partitions; i++) {
      String id = prefix + i;
      int p = BuiltInPartitioner.partitionForKey(id.getBytes(StandardCharsets.UTF_8), partitions);
      if (taken[p] < perPartition) {
        taken[p]++;
        ids.add(id);
      }
    }
    return ids;
  }
}
