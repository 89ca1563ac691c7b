package dev.vigil.deploy;

import dev.vigil.config.KafkaClients;
import dev.vigil.config.SiteConfig;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries the committed offsets of the consumer groups alerts used before their names derived from
 * the site ({@code vigil-alerts}, {@code vigil-alerts-state}) over to the new groups, once: without
 * it the first start after an upgrade finds no offsets and, reading from the earliest, publishes
 * every retained violation again. Only the site's own topics are carried (several sites may have
 * shared the old groups), and only into a group that has no offsets yet. Best effort: a failure is
 * logged and alerts start anyway, at worst with duplicates.
 */
final class AlertsGroupMigration {
  static final String LEGACY_GROUP = "vigil-alerts";
  static final String LEGACY_STATE_GROUP = "vigil-alerts-state";
  private static final Logger LOG = LoggerFactory.getLogger(AlertsGroupMigration.class);
  private static final long TIMEOUT_S = 30;

  private AlertsGroupMigration() {}

  /** Moves the legacy offsets of {@code site}'s violations and observations, where needed. */
  static void run(SiteConfig site) {
    Admin admin = Admin.create(KafkaClients.admin(site.kafka()));
    try {
      carry(admin, LEGACY_GROUP, AlertsRunner.groupId(site), site.topics().violations());
      carry(
          admin, LEGACY_STATE_GROUP, AlertsRunner.stateGroupId(site), site.topics().observations());
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      LOG.warn(
          "cannot carry the offsets of the old alerts consumer groups over; violations already"
              + " published may be published again: {}",
          e.toString());
    } finally {
      admin.close(Duration.ofSeconds(5)); // never hold up the start for long
    }
  }

  /** Copies {@code legacy}'s offsets on {@code topic} into {@code group} when it has none. */
  static void carry(Admin admin, String legacy, String group, String topic) throws Exception {
    if (!offsets(admin, group).isEmpty()) {
      return;
    }
    Map<TopicPartition, OffsetAndMetadata> carried = new HashMap<>();
    offsets(admin, legacy)
        .forEach(
            (tp, om) -> {
              if (om != null && tp.topic().equals(topic)) {
                carried.put(tp, new OffsetAndMetadata(om.offset()));
              }
            });
    if (carried.isEmpty()) {
      return;
    }
    admin.alterConsumerGroupOffsets(group, carried).all().get(TIMEOUT_S, TimeUnit.SECONDS);
    LOG.info(
        "carried the offsets of {} on {} over to consumer group {} ({} partitions)",
        legacy,
        topic,
        group,
        carried.size());
  }

  private static Map<TopicPartition, OffsetAndMetadata> offsets(Admin admin, String group)
      throws Exception {
    return admin
        .listConsumerGroupOffsets(group)
        .partitionsToOffsetAndMetadata()
        .get(TIMEOUT_S, TimeUnit.SECONDS);
  }
}
