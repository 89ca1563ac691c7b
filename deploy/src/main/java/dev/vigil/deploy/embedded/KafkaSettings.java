package dev.vigil.deploy.embedded;

import java.util.Properties;

/**
 * Broker settings shared by every Kafka that Vigil starts itself: the embedded single node and the
 * drill's three-node cluster. Both run KRaft nodes that are broker and controller at once, on
 * loopback, on a machine shared with the models. Stateless.
 */
public final class KafkaSettings {
  private static final String MIB_8 = Integer.toString(8 * 1024 * 1024);

  private KafkaSettings() {}

  /** A listener or advertised listener entry, {@code NAME://127.0.0.1:port}. */
  public static String listener(String name, int port) {
    return name + "://" + Ports.LOOPBACK + ":" + port;
  }

  /** A combined broker and controller node whose controller listener is named CONTROLLER. */
  public static Properties combinedNode(int nodeId, String voters) {
    Properties p = new Properties();
    p.put("process.roles", "broker,controller");
    p.put("node.id", Integer.toString(nodeId));
    p.put("controller.quorum.voters", voters);
    p.put("controller.listener.names", "CONTROLLER");
    return p;
  }

  /**
   * Replication of every topic, the internal ones included: with fewer nodes than an internal
   * topic's default replication factor, transactions and consumer groups never start.
   */
  public static void replication(
      Properties p, int replicas, int minInSync, int internalPartitions) {
    String factor = Integer.toString(replicas);
    String isr = Integer.toString(minInSync);
    p.put("default.replication.factor", factor);
    p.put("min.insync.replicas", isr);
    p.put("offsets.topic.replication.factor", factor);
    p.put("offsets.topic.num.partitions", Integer.toString(internalPartitions));
    p.put("transaction.state.log.replication.factor", factor);
    p.put("transaction.state.log.min.isr", isr);
    p.put("transaction.state.log.num.partitions", Integer.toString(internalPartitions));
    p.put("share.coordinator.state.topic.replication.factor", factor);
    p.put("share.coordinator.state.topic.min.isr", isr);
  }

  /**
   * Lean and explicit: small thread pools and cleaner buffer (the machine runs the models too), 16
   * MiB segments, 8 MiB messages (JPEG frames from larger cameras exceed the 1 MiB default), no
   * topic created by accident, no wait before the first consumer group rebalance.
   */
  public static void leanSharedMachine(Properties p) {
    p.put("num.network.threads", "2");
    p.put("num.io.threads", "2");
    p.put("background.threads", "2");
    p.put("num.recovery.threads.per.data.dir", "1");
    p.put("log.cleaner.threads", "1");
    p.put("log.cleaner.dedupe.buffer.size", MIB_8);
    p.put("log.segment.bytes", Integer.toString(16 * 1024 * 1024));
    p.put("message.max.bytes", MIB_8);
    p.put("auto.create.topics.enable", "false");
    p.put("group.initial.rebalance.delay.ms", "0");
  }
}
