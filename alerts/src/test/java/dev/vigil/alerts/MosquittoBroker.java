package dev.vigil.alerts;

import dev.vigil.config.SiteConfig;
import dev.vigil.config.TestCerts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A real mosquitto broker on loopback, started from a generated config in its own directory, with
 * on-disk persistence so sessions and queued QoS 1 messages survive {@link #restart}. Optionally
 * with a password file ({@code mosquitto_passwd -b}), an ACL file and a TLS listener whose CA and
 * server certificate are generated with the {@code openssl} CLI ({@link TestCerts}), optionally
 * requiring client certificates. One instance per test; close it.
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

  /**
   * A broker locked down as docs/SECURITY.md recommends: {@code require_certificate true}, {@code
   * allow_anonymous false}, a password file and an ACL. User {@code alerts} (password {@code
   * s3cret}) may write {@code vigil/plant1/status} and {@code vigil/plant1/cam1/#} only; user
   * {@code watcher} ({@code w4tch}) may read {@code vigil/plant1/#}.
   */
  public static MosquittoBroker lockedDown(Path dir) {
    return in(dir)
        .requireClientCertificate()
        .withUser("alerts", "s3cret")
        .withUser("watcher", "w4tch")
        .withAcl(
            "user alerts",
            "topic readwrite vigil/plant1/status",
            "topic write vigil/plant1/cam1/#",
            "user watcher",
            "topic read vigil/plant1/#")
        .start();
  }

  /**
   * The {@code mqtt:} settings of a client of this TLS broker: client id and user name {@code
   * user}, this broker's CA, and {@code cert} as the client certificate (or none when null).
   */
  public SiteConfig.Mqtt mqttConfig(String user, String password, TestCerts.Pair cert) {
    return new SiteConfig.Mqtt(
        url(),
        null,
        user,
        user,
        password,
        caFile().toString(),
        cert == null ? null : cert.cert().toString(),
        cert == null ? null : cert.key().toString(),
        false,
        List.of());
  }

  /** Builder: plain by default; add a user or TLS before {@link #start}. */
  public static final class Builder {
    private final Path dir;
    private final Map<String, String> users = new LinkedHashMap<>();
    private boolean tls;
    private boolean noTopicAliases;
    private boolean requireCertificate;
    private List<String> acl;

    private Builder(Path dir) {
      this.dir = dir;
    }

    /** A user in the broker's password file; call again to add more users. */
    public Builder withUser(String user, String password) {
      users.put(user, password);
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
     * TLS with {@code require_certificate true}: a client must present a certificate signed by the
     * broker's CA ({@link #clientCertificate}), on top of any user and password.
     */
    public Builder requireClientCertificate() {
      this.tls = true;
      this.requireCertificate = true;
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
        if (!users.isEmpty()) {
          Path passwd = dir.resolve("passwd");
          for (Map.Entry<String, String> user : users.entrySet()) {
            List<String> command = new ArrayList<>(List.of(find("mosquitto_passwd").toString()));
            if (!Files.exists(passwd)) {
              command.add("-c");
            }
            command.addAll(List.of("-b", passwd.toString(), user.getKey(), user.getValue()));
            run(dir, command.toArray(String[]::new));
          }
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
          TestCerts.Pair server = TestCerts.ca(dir, "ca").server("server");
          conf.add("cafile " + dir.resolve("ca.crt"));
          conf.add("certfile " + server.cert());
          conf.add("keyfile " + server.key());
          conf.add("require_certificate " + requireCertificate);
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

  /** Generates a second, unrelated CA, to test a certificate that the broker's CA did not sign. */
  public static Path otherCa(Path dir) {
    return TestCerts.ca(dir, "other").cert();
  }

  /**
   * A client certificate signed by this broker's CA (TLS only), as {@code <file>.crt} and an
   * unencrypted PKCS#8 {@code <file>.key}.
   */
  public TestCerts.Pair clientCertificate(String file, TestCerts.KeyType type) {
    if (!tls) {
      throw new IllegalStateException("the broker has no TLS listener; build it withTls()");
    }
    return new TestCerts.Ca(dir, "ca").client(file, "vigil-alerts", type);
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
