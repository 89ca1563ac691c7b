package dev.vigil.deploy.embedded;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/** Loopback port helpers shared by the embedded brokers. Stateless and thread-safe. */
final class Ports {
  static final String LOOPBACK = "127.0.0.1";

  private Ports() {}

  /**
   * Returns {@code port} if it can be bound on loopback now, or a free port if {@code port} is 0.
   *
   * <p>Both brokers need the port before they bind (Kafka advertises it, HiveMQ cannot report it),
   * so a free port is probed and released. Another process could take it in between; that race is
   * accepted for a single-machine demo and then surfaces as a startup failure.
   *
   * @param flag the command-line option that picks another port, named in the error
   * @throws EmbeddedBrokerException if the port is in use
   */
  static int claim(int port, String flag) {
    if (port < 0 || port > 65535) {
      throw new EmbeddedBrokerException(
          "port " + port + " is out of range 0..65535; pass " + flag + " N");
    }
    try (ServerSocket socket = new ServerSocket()) {
      // Allow ports in TIME_WAIT from a previous run; a live listener still makes bind fail.
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress(InetAddress.getByName(LOOPBACK), port));
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new EmbeddedBrokerException(
          "port " + port + " is in use; pass " + flag + " N (or 0 for any free port)", e);
    }
  }
}
