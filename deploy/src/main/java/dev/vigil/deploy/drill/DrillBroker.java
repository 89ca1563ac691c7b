package dev.vigil.deploy.drill;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import kafka.tools.StorageTool;

/**
 * Main class of one drill Kafka broker process: formats its log directory (once; a restart finds it
 * formatted) and runs {@code kafka.Kafka} on the properties file, until killed.
 *
 * <p>{@code java -cp <class path> dev.vigil.deploy.drill.DrillBroker server.properties CLUSTER_ID}
 */
public final class DrillBroker {
  private DrillBroker() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 2) {
      System.err.println("usage: DrillBroker server.properties CLUSTER_ID");
      System.exit(2);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int rc;
    try (PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8)) {
      rc =
          StorageTool.execute(
              new String[] {
                "format",
                "--config",
                args[0],
                "--cluster-id",
                args[1],
                "--ignore-formatted",
                // As EmbeddedKafka: transactions v1, so Kafka 4.1's EOS producers do not log
                // spurious out-of-order-sequence errors on their first writes.
                "--feature",
                "transaction.version=1"
              },
              print);
    }
    System.err.println(out.toString(StandardCharsets.UTF_8).trim());
    if (rc != 0) {
      System.exit(rc);
    }
    kafka.Kafka.main(new String[] {args[0]});
  }
}
