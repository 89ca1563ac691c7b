package dev.vigil.alerts;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A real mosquitto broker on loopback, started from a generated config in its own directory, with
 * on-disk persistence so sessions and queued QoS 1 messages survive {@link #restart}. Optionally
 * with a password file ({@code mosquitto_passwd -b}) and a TLS listener whose CA and server
 * certificate are generated with the {@code openssl} CLI. One instance per test; close it.
 */
public final class MosquittoBroker implements AutoCloseable {
  private final Path dir;
  private final int port;
  private final boolean tls;
  private Process process;

  private MosquittoBroker(Path dir, int port, boolean tls) {
    this.dir = dir;
    this.port = port;
    this.tls = tls;
  }

  /** Skips the calling test, with a reason, when mosquitto is not installed. */
  public static Path assumeInstalled() {
    Path binary = find("mosquitto");
    Assumptions.assumeTrue(
        binary != null,
        "mosquitto is not installed (apt-get install mosquitto mosquitto-clients); skipping the"
            + " tests that need a real MQTT broker");
    return binary;
  }

  public static Builder in(Path dir) {
    return new Builder(dir);
  }

  /** Builder: plain by default; add a user or TLS before {@link #start}. */
  public static final class Builder {
    private final Path dir;
    private String user;
    private String password;
    private boolean tls;
    private boolean noTopicAliases;
    private List<String> acl;

    private Builder(Path dir) {
      this.dir = dir;
    }

    public Builder withUser(String user, String password) {
      this.user = user;
      this.password = password;
      return this;
    }

    /** An {@code acl_file} with these lines, e.g. {@code user alerts}, {@code topic write x/#}. */
    public Builder withAcl(String... lines) {
      this.acl = List.of(lines);
      return this;
    }

    public Builder withTls() {
      this.tls = true;
      return this;
    }

    /**
     * Sets {@code max_topic_alias 0}, so the broker offers clients no topic aliases: the safeguard
     * against Paho 1.2.5's alias bug that docs/MQTT.md suggests for production brokers. Off by
     * default, so that the other tests keep exercising {@link PahoTopicAliases} against mosquitto's
     * default (aliases offered).
     */
    public Builder withoutTopicAliases() {
      this.noTopicAliases = true;
      return this;
    }

    public MosquittoBroker start() {
      Path binary = assumeInstalled();
      try {
        Files.createDirectories(dir.resolve("data"));
        List<String> conf = new ArrayList<>();
        int port = freePort();
        conf.add("listener " + port + " 127.0.0.1");
        // When run as root mosquitto would drop to user "mosquitto", who cannot read the temp dir.
        conf.add("user " + System.getProperty("user.name"));
        conf.add("persistence true");
        conf.add("persistence_location " + dir.resolve("data") + "/");
        conf.add("autosave_interval 1");
        conf.add("max_queued_messages 100000");
        conf.add("log_dest file " + dir.resolve("mosquitto.log"));
        conf.add("log_type error");
        conf.add("log_type warning");
        conf.add("log_type notice");
        conf.add("log_type information");
        conf.add("connection_messages true");
        if (noTopicAliases) {
          conf.add("max_topic_alias 0");
        }
        if (user != null) {
          Path passwd = dir.resolve("passwd");
          run(
              dir,
              find("mosquitto_passwd").toString(),
              "-c",
              "-b",
              passwd.toString(),
              user,
              password);
          conf.add("allow_anonymous false");
          conf.add("password_file " + passwd);
        } else {
          conf.add("allow_anonymous true");
        }
        if (acl != null) {
          Path aclFile = dir.resolve("acl");
          Files.write(aclFile, acl, StandardCharsets.UTF_8);
          conf.add("acl_file " + aclFile);
        }
        if (tls) {
          generateCertificates(dir);
          conf.add("cafile " + dir.resolve("ca.crt"));
          conf.add("certfile " + dir.resolve("server.crt"));
          conf.add("keyfile " + dir.resolve("server.key"));
        }
        Files.write(dir.resolve("mosquitto.conf"), conf, StandardCharsets.UTF_8);
        MosquittoBroker broker = new MosquittoBroker(dir, port, tls);
        broker.binary = binary;
        broker.startProcess();
        return broker;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  private Path binary;

  public int port() {
    return port;
  }

  /** {@code tcp://127.0.0.1:port}, or {@code ssl://localhost:port} with TLS. */
  public String url() {
    return tls ? "ssl://localhost:" + port : "tcp://127.0.0.1:" + port;
  }

  /** The PEM CA that signed the server certificate (TLS only). */
  public Path caFile() {
    return dir.resolve("ca.crt");
  }

  public String log() {
    try {
      Path log = dir.resolve("mosquitto.log");
      return Files.exists(log) ? Files.readString(log) : "";
    } catch (IOException e) {
      return "(cannot read log: " + e + ")";
    }
  }

  /** Stops with SIGTERM, so mosquitto saves sessions and queued messages to disk. */
  public void stop() {
    if (process == null) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    process = null;
    waitUntil(false);
  }

  /** Starts again on the same port with the same config and persistence. */
  public void restart() {
    stop();
    startProcess();
  }

  public void start() {
    if (process == null) {
      startProcess();
    }
  }

  @Override
  public void close() {
    stop();
  }

  private void startProcess() {
    try {
      process =
          new ProcessBuilder(binary.toString(), "-c", dir.resolve("mosquitto.conf").toString())
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("stdout.log").toFile()))
              .start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + binary, e);
    }
    waitUntil(true);
  }

  private void waitUntil(boolean accepting) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (System.nanoTime() < deadline) {
      if (accepting && process != null && !process.isAlive()) {
        throw new IllegalStateException(
            "mosquitto exited with "
                + process.exitValue()
                + ":\n"
                + log()
                + readQuietly("stdout.log"));
      }
      if (accepts(port) == accepting) {
        return;
      }
      sleep(50);
    }
    throw new IllegalStateException(
        "mosquitto port " + port + (accepting ? " never opened" : " never closed") + ":\n" + log());
  }

  private String readQuietly(String name) {
    try {
      return Files.readString(dir.resolve(name));
    } catch (IOException e) {
      return "";
    }
  }

  private static boolean accepts(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  public static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void generateCertificates(Path dir) throws IOException {
    String openssl = find("openssl") == null ? "openssl" : find("openssl").toString();
    Files.writeString(dir.resolve("server.ext"), "subjectAltName=DNS:localhost,IP:127.0.0.1\n");
    run(
        dir,
        openssl,
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-days",
        "2",
        "-subj",
        "/CN=Vigil Test CA",
        "-keyout",
        "ca.key",
        "-out",
        "ca.crt");
    run(
        dir,
        openssl,
        "req",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-subj",
        "/CN=localhost",
        "-keyout",
        "server.key",
        "-out",
        "server.csr");
    run(
        dir,
        openssl,
        "x509",
        "-req",
        "-in",
        "server.csr",
        "-CA",
        "ca.crt",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-days",
        "2",
        "-extfile",
        "server.ext",
        "-out",
        "server.crt");
  }

  /** Generates a second, unrelated CA, to test a CA file that did not sign the broker. */
  public static Path otherCa(Path dir) throws IOException {
    Files.createDirectories(dir);
    run(
        dir,
        "openssl",
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-days",
        "2",
        "-subj",
        "/CN=Unrelated CA",
        "-keyout",
        "other.key",
        "-out",
        "other.crt");
    return dir.resolve("other.crt");
  }

  private static void run(Path dir, String... command) throws IOException {
    Process p =
        new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      if (p.waitFor() != 0) {
        throw new IOException(String.join(" ", command) + " failed:\n" + out);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  private static Path find(String name) {
    List<String> dirs =
        new ArrayList<>(List.of(System.getenv().getOrDefault("PATH", "").split(":")));
    dirs.addAll(List.of("/usr/sbin", "/usr/local/sbin", "/usr/bin", "/sbin"));
    for (String d : dirs) {
      if (d.isEmpty()) {
        continue;
      }
      Path candidate = Path.of(d, name);
      if (Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    return null;
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
