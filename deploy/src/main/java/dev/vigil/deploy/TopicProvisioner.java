package dev.vigil.deploy;

import dev.vigil.config.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates Vigil's topics when they are missing; existing topics are left as they are. Frames and
 * audio get the same partition count, because the processor joins them per camera. Every topic is
 * replicated {@code min(3, brokers)} times, with {@code min.insync.replicas=2} at a factor of 3, so
 * one broker can fail without losing an acknowledged record or stopping writes.
 */
public final class TopicProvisioner {
  private static final Logger LOG = LoggerFactory.getLogger(TopicProvisioner.class);

  private TopicProvisioner() {}

  /** The replication factor for a cluster of {@code brokers}: {@code min(3, brokers)}. */
  static short replicationFactor(int brokers) {
    return (short) Math.max(1, Math.min(3, brokers));
  }

  /** The cluster's replication factor, with a warning when the cluster is too small for 3. */
  static short replicationFactor(Admin admin) throws InterruptedException, ExecutionException {
    int brokers = admin.describeCluster().nodes().get().size();
    short factor = replicationFactor(brokers);
    if (factor < 3) {
      LOG.warn(
          "the Kafka cluster has {} broker(s): Vigil's topics get replication factor {}, so losing"
              + " a broker loses or stops data; run 3 brokers in production",
          brokers,
          factor);
    }
    return factor;
  }

  static void ensure(Admin admin, Topics topics, int partitions)
      throws InterruptedException, ExecutionException {
    ensure(admin, topics, partitions, replicationFactor(admin));
  }

  public static void ensure(Admin admin, Topics topics, int partitions, short replication)
      throws InterruptedException, ExecutionException {
    Map<String, String> compacted = Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, "compact");
    List<NewTopic> wanted = new ArrayList<>();
    wanted.add(topic(topics.frames(), partitions, retention(Duration.ofHours(24))));
    wanted.add(topic(topics.audio(), partitions, retention(Duration.ofHours(24))));
    wanted.add(topic(topics.audioFeatures(), partitions, retention(Duration.ofHours(24))));
    wanted.add(topic(topics.observations(), partitions, retention(Duration.ofDays(7))));
    wanted.add(topic(topics.violations(), partitions, retention(Duration.ofDays(30))));
    // The model's answers describe the scene in words: keep them no longer than the frames they
    // answer, which a replay needs anyway. Keyed by camera, beside the frames.
    wanted.add(topic(topics.vlmAnswers(), partitions, retention(Duration.ofHours(24))));
    // Dead letters hold (small previews of) camera data: keep them no longer than frames' 72 h
    // bound.
    wanted.add(topic(topics.dlq(), 1, retention(Duration.ofHours(72))));
    wanted.add(topic(topics.prompts(), 1, compacted));
    wanted.add(topic(topics.promptStatus(), 1, compacted));
    wanted.add(topic(topics.cameraStatus(), 1, compacted));
    for (NewTopic wantedTopic : wanted) {
      Map<String, String> configs = new java.util.HashMap<>(wantedTopic.configs());
      if (replication >= 3) {
        configs.put(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, "2");
      }
      NewTopic t =
          new NewTopic(
                  wantedTopic.name(),
                  java.util.Optional.of(wantedTopic.numPartitions()),
                  java.util.Optional.of(replication))
              .configs(configs);
      try {
        admin.createTopics(List.of(t)).all().get();
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof TopicExistsException)) {
          throw e;
        }
      }
    }
  }

  private static Map<String, String> retention(Duration d) {
    return Map.of(TopicConfig.RETENTION_MS_CONFIG, Long.toString(d.toMillis()));
  }

  private static NewTopic topic(String name, int partitions, Map<String, String> configs) {
    return new NewTopic(name, java.util.Optional.of(partitions), java.util.Optional.empty())
        .configs(configs);
  }
}
