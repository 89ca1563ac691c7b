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

/**
 * Creates Vigil's topics when they are missing; existing topics are left as they are. Frames and
 * audio get the same partition count, because the processor joins them per camera.
 */
final class TopicProvisioner {
  private TopicProvisioner() {}

  static void ensure(Admin admin, Topics topics, int partitions)
      throws InterruptedException, ExecutionException {
    Map<String, String> compacted = Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, "compact");
    List<NewTopic> wanted = new ArrayList<>();
    wanted.add(topic(topics.frames(), partitions, retention(Duration.ofHours(24))));
    wanted.add(topic(topics.audio(), partitions, retention(Duration.ofHours(24))));
    wanted.add(topic(topics.observations(), partitions, retention(Duration.ofDays(7))));
    wanted.add(topic(topics.violations(), partitions, retention(Duration.ofDays(30))));
    // Dead letters hold (small previews of) camera data: keep them no longer than frames' 72 h
    // bound.
    wanted.add(topic(topics.dlq(), 1, retention(Duration.ofHours(72))));
    wanted.add(topic(topics.prompts(), 1, compacted));
    wanted.add(topic(topics.promptStatus(), 1, compacted));
    wanted.add(topic(topics.cameraStatus(), 1, compacted));
    for (NewTopic t : wanted) {
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
