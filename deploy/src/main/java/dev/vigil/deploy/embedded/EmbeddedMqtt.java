package dev.vigil.deploy.embedded;

import com.hivemq.embedded.EmbeddedHiveMQ;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An MQTT 3.1.1 and 5 broker (HiveMQ Community Edition, embedded) running in this JVM, listening on
 * {@code 127.0.0.1} only, with no TLS and no authentication.
 *
 * <p>Sessions, retained messages and queued messages are kept in memory: they survive client
 * reconnects but not a restart of the broker, which suits the single-machine demo. Anonymous usage
 * statistics are off, and HiveMQ leaves the application's logging configuration alone.
 *
 * <p><b>Lifecycle.</b> {@link #start} returns once the listener accepts connections. {@link #close}
 * stops the broker and deletes its temporary folders. The caller owns the instance and must close
 * it. One instance at a time per JVM is what HiveMQ embedded is built for.
 *
 * <p><b>Threads.</b> All methods may be called from any thread; {@link #close} is idempotent.
 *
 * <p><b>JVM flags.</b> None are required on Java 17. HiveMQ's own start script adds {@code
 * --add-opens java.base/java.lang=ALL-UNNAMED --add-opens java.base/java.nio=ALL-UNNAMED
 * --add-opens java.base/sun.nio.ch=ALL-UNNAMED --add-opens
 * jdk.management/com.sun.management.internal=ALL-UNNAMED --add-exports
 * java.base/jdk.internal.misc=ALL-UNNAMED}, which let Netty use direct buffers without cleaner
 * reflection warnings; {@code bin/vigil} may pass them.
 */
public final class EmbeddedMqtt implements AutoCloseable {
  /** The option named in the error when the MQTT port is taken. */
  public static final String PORT_FLAG = "--mqtt-port";

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedMqtt.class);
  private static final long START_TIMEOUT_S = 60;
  private static final long STOP_TIMEOUT_S = 30;

  private final EmbeddedHiveMQ hivemq;
  private final int port;
  private final Path home;
  private final Stopping stopping = new Stopping(LOG, "Embedded MQTT broker");

  private EmbeddedMqtt(EmbeddedHiveMQ hivemq, int port, Path home) {
    this.hivemq = hivemq;
    this.port = port;
    this.home = home;
  }

  /**
   * Starts a broker and waits until it accepts connections.
   *
   * @param port the TCP port on 127.0.0.1, or 0 for a free one
   * @throws EmbeddedBrokerException if the port is in use or the broker fails to start
   */
  public static EmbeddedMqtt start(int port) {
    long started = System.nanoTime();
    QuietLogs.apply(QuietLogs.HIVEMQ);
    int boundPort = Ports.claim(port, PORT_FLAG);
    Path home;
    try {
      home = Files.createTempDirectory("vigil-mqtt-");
    } catch (IOException e) {
      throw new EmbeddedBrokerException("cannot create a temporary folder for the MQTT broker", e);
    }
    EmbeddedHiveMQ hivemq = null;
    try {
      Path conf = Files.createDirectories(home.resolve("conf"));
      Files.writeString(conf.resolve("config.xml"), configXml(boundPort), StandardCharsets.UTF_8);
      hivemq =
          EmbeddedHiveMQ.builder()
              .withConfigurationFolder(conf)
              .withDataFolder(Files.createDirectories(home.resolve("data")))
              .withExtensionsFolder(Files.createDirectories(home.resolve("extensions")))
              // Otherwise HiveMQ resets logback to its own configuration for the whole JVM.
              .withoutLoggingBootstrap()
              .build();
      hivemq.start().get(START_TIMEOUT_S, TimeUnit.SECONDS);
      // HiveMQ logs a listener that fails to bind and starts anyway, so check it serves.
      awaitListening(boundPort);
      EmbeddedMqtt mqtt = new EmbeddedMqtt(hivemq, boundPort, home);
      LOG.info(
          "Embedded MQTT broker ready at {} in {} ms",
          mqtt.url(),
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
      return mqtt;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      stopQuietly(hivemq);
      Dirs.deleteRecursively(home);
      throw new EmbeddedBrokerException("interrupted while starting the MQTT broker", e);
    } catch (IOException | ExecutionException | TimeoutException | RuntimeException e) {
      stopQuietly(hivemq);
      Dirs.deleteRecursively(home);
      if (e instanceof EmbeddedBrokerException ebe) {
        throw ebe;
      }
      Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
      throw new EmbeddedBrokerException(
          "embedded MQTT broker failed to start on 127.0.0.1:" + boundPort + ": " + cause, cause);
    }
  }

  /** The HiveMQ configuration: one plain TCP listener on loopback, in-memory persistence. */
  static String configXml(int port) {
    return """
        <?xml version="1.0"?>
        <!-- Written by vigil for the embedded MQTT broker. -->
        <hivemq>
            <listeners>
                <tcp-listener>
                    <port>%d</port>
                    <bind-address>%s</bind-address>
                </tcp-listener>
            </listeners>
            <persistence>
                <mode>in-memory</mode>
            </persistence>
            <anonymous-usage-statistics>
                <enabled>false</enabled>
            </anonymous-usage-statistics>
        </hivemq>
        """
        .formatted(port, Ports.LOOPBACK);
  }

  private static void awaitListening(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(Ports.LOOPBACK, port), 5_000);
    } catch (IOException e) {
      throw new EmbeddedBrokerException(
          "embedded MQTT broker started but does not listen on 127.0.0.1:"
              + port
              + " ("
              + e.getMessage()
              + "); pass "
              + PORT_FLAG
              + " N to pick another port",
          e);
    }
  }

  /** The TCP port on 127.0.0.1. */
  public int port() {
    return port;
  }

  /** The server URI for MQTT clients, {@code tcp://127.0.0.1:port}. */
  public String url() {
    return "tcp://" + Ports.LOOPBACK + ":" + port;
  }

  /** Stops the broker, waits for it, and deletes its temporary folders. */
  @Override
  public void close() {
    stopping.once(
        url(),
        () -> {
          stopQuietly(hivemq);
          Dirs.deleteRecursively(home);
        });
  }

  private static void stopQuietly(EmbeddedHiveMQ hivemq) {
    if (hivemq == null) {
      return;
    }
    try {
      hivemq.stop().get(STOP_TIMEOUT_S, TimeUnit.SECONDS);
      hivemq.close();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      LOG.warn("Interrupted while stopping the embedded MQTT broker");
    } catch (ExecutionException | TimeoutException | RuntimeException e) {
      LOG.warn("Embedded MQTT broker did not stop cleanly", e);
    }
  }
}
