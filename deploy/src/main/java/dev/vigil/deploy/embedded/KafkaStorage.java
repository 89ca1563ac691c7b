package dev.vigil.deploy.embedded;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import kafka.tools.StorageTool;
import org.apache.kafka.common.Uuid;

/** Formats the embedded broker's data directory, once: a restart finds it formatted. */
final class KafkaStorage {
  private KafkaStorage() {}

  /**
   * Formats the log directory named in {@code configFile} with the cluster id an earlier start
   * recorded in {@code logDir}, or a new one.
   */
  static void format(Path configFile, Path logDir) throws IOException {
    format(configFile, existingClusterId(logDir));
  }

  /** The cluster id recorded by an earlier start, so a restart formats nothing and matches it. */
  private static String existingClusterId(Path logDir) throws IOException {
    Path meta = logDir.resolve("meta.properties");
    if (!Files.exists(meta)) {
      return Uuid.randomUuid().toString();
    }
    Properties props = new Properties();
    try (var in = Files.newInputStream(meta)) {
      props.load(in);
    }
    String id = props.getProperty("cluster.id");
    if (id == null || id.isBlank()) {
      throw new EmbeddedBrokerException(
          meta + " has no cluster.id; delete the Kafka data directory to start afresh");
    }
    return id;
  }

  private static void format(Path configFile, String clusterId) {
    ByteArrayOutputStream output = new ByteArrayOutputStream();
    int rc;
    try (PrintStream print = new PrintStream(output, true, StandardCharsets.UTF_8)) {
      // --ignore-formatted makes a restart on an existing data directory a no-op.
      String[] args = {
        "format",
        "--config",
        configFile.toString(),
        "--cluster-id",
        clusterId,
        "--ignore-formatted",
        // Transactions v2 makes Kafka 4.1's EOS producers log spurious out-of-order-sequence
        // errors on their first writes to a partition; v1 behaves the same for a single node.
        "--feature",
        "transaction.version=1"
      };
      rc = StorageTool.execute(args, print);
    } catch (RuntimeException e) {
      throw new EmbeddedBrokerException(
          "cannot format the Kafka data directory: "
              + e.getMessage()
              + "; use an empty directory or one a previous embedded broker wrote",
          e);
    }
    if (rc != 0) {
      throw new EmbeddedBrokerException(
          "cannot format the Kafka data directory (exit "
              + rc
              + "): "
              + output.toString(StandardCharsets.UTF_8).trim());
    }
  }
}
