package dev.vigil.config;

import static dev.vigil.config.YamlProblems.show;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Maps the checked {@code kafka}, {@code mqtt} and {@code http} sections of a site.yaml to their
 * records, adding what the schema cannot say: addresses, settings that need or exclude each other,
 * and the secret and certificate files. Not thread-safe: one per parse.
 */
final class ConnectionSections {
  /**
   * A {@code kafka.properties} key ending in this takes the property's value from the file it
   * names, such as {@code ssl.keystore.password_file: /run/secrets/keystore-password}.
   */
  static final String FILE_SUFFIX = "_file";

  private static final Pattern HOST_PORT =
      Pattern.compile("(\\[[0-9A-Fa-f:.]+\\]|[^:\\s\\[\\]]+):([0-9]{1,5})");

  private final YamlProblems problems;

  ConnectionSections(YamlProblems problems) {
    this.problems = problems;
  }

  SiteConfig.Kafka kafka(YamlMap k) {
    String servers = k.text("bootstrap_servers");
    if (k.substituted("bootstrap_servers") != null && !k.bad("bootstrap_servers")) {
      for (String server : servers.split(",", -1)) {
        Matcher m = HOST_PORT.matcher(server.trim());
        int port = m.matches() ? Integer.parseInt(m.group(2)) : -1;
        if (port < 1 || port > 65535) {
          problems.error(
              k.node("bootstrap_servers"),
              k.child("bootstrap_servers"),
              "\"" + server.trim() + "\" is not a host:port address",
              "Write a comma-separated host:port list such as broker-1:9092,broker-2:9092.");
          break;
        }
      }
    }
    Map<String, String> properties = new LinkedHashMap<>();
    YamlMap props = k.map("properties");
    for (String key : props.keys()) {
      String v = props.text(key);
      if (key.equals("bootstrap.servers")) {
        problems.error(
            props.keyNode(key),
            props.child(key),
            "duplicates kafka.bootstrap_servers",
            "Set the brokers with kafka.bootstrap_servers and remove this property.");
      } else if (v != null && key.endsWith(FILE_SUFFIX)) {
        String property = key.substring(0, key.length() - FILE_SUFFIX.length());
        if (props.keys().contains(property)) {
          problems.error(
              props.keyNode(key),
              props.child(key),
              "duplicates " + props.child(property),
              "Give the value once: either inline or from a file.");
        } else {
          putIfSet(properties, property, secretFile(props, key));
        }
      } else {
        putIfSet(properties, key, v);
      }
    }
    return new SiteConfig.Kafka(
        servers, k.text("topic_prefix"), properties, k.integer("partitions"));
  }

  private static void putIfSet(Map<String, String> map, String key, String value) {
    if (value != null) {
      map.put(key, value);
    }
  }

  /**
   * The content of the secret file {@code key} names (a Kubernetes or systemd credential), without
   * the trailing line break; null after reporting a problem.
   */
  String secretFile(YamlMap m, String key) {
    String file = expandHome(m.text(key));
    String fix = "Give the path of a readable file that holds only the secret.";
    try {
      String text = Files.readString(Path.of(file), StandardCharsets.UTF_8).strip();
      if (!text.isEmpty()) {
        return text;
      }
      problems.error(m.node(key), m.child(key), "file " + file + " is empty", fix);
    } catch (NoSuchFileException e) {
      problems.error(m.node(key), m.child(key), "file " + file + " does not exist", fix);
    } catch (IOException | RuntimeException e) {
      problems.error(m.node(key), m.child(key), "cannot read " + file + ": " + e.getMessage(), fix);
    }
    return null;
  }

  HttpAccess http(YamlMap h) {
    String[] tls = pemPair(h, "tls_cert_file", "tls_key_file");
    // Every service serves HTTP, so every service needs these files now.
    int before = problems.count();
    pemFiles(h, "tls_cert_file", "tls_key_file", tls);
    if (problems.count() > before) {
      tls = new String[] {null, null};
    }
    return new HttpAccess(
        h.text("token"), h.text("read_token"), h.text("metrics_token"), tls[0], tls[1]);
  }

  /**
   * The paths of a certificate and its private key, set together or not at all; {null, null} when
   * neither is set, or after reporting a problem. {@link #pemFiles} reads them.
   */
  private String[] pemPair(YamlMap o, String certKey, String keyKey) {
    String cert = expandHome(o.text(certKey));
    String key = expandHome(o.text(keyKey));
    if (cert != null && key != null) {
      return new String[] {cert, key};
    }
    if (cert != null || key != null) {
      String set = cert == null ? keyKey : certKey;
      String unset = cert == null ? certKey : keyKey;
      problems.error(
          o.node(set),
          o.child(set),
          "is set but " + o.child(unset) + " is not",
          "Give both the certificate and its private key, or neither.");
    }
    return new String[] {null, null};
  }

  /** Reads the PEM files of a {@link #pemPair} and reports what cannot be used. */
  private void pemFiles(YamlMap o, String certKey, String keyKey, String[] pair) {
    if (pair[0] == null) {
      return;
    }
    if (pemOk(o, certKey, () -> Pem.certificates(Path.of(pair[0])))
        & pemOk(o, keyKey, () -> Pem.privateKey(Path.of(pair[1])))) {
      pemOk(o, keyKey, () -> Pem.keyManagers(Path.of(pair[0]), Path.of(pair[1])));
    }
  }

  private boolean pemOk(YamlMap o, String key, Runnable check) {
    try {
      check.run();
      return true;
    } catch (VigilConfigException | java.nio.file.InvalidPathException e) {
      problems.error(o.node(key), o.child(key), e.getMessage(), o.fix(key));
      return false;
    }
  }

  SiteConfig.Mqtt mqtt(YamlMap m, String site) {
    String urlFix = m.fix("url");
    // As given even when wrong, so no second problem blames the default.
    String url = m.given("url");
    boolean ssl = url.startsWith("ssl://");
    if (m.substituted("url") != null && !m.bad("url") && host(url) == null) {
      problems.error(m.node("url"), m.child("url"), "has no host name, got " + show(url), urlFix);
    }
    String prefix = m.text("topic_prefix");
    if (prefix == null) {
      prefix = "vigil/" + site + "/";
    } else if (prefix.contains("+") || prefix.contains("#")) {
      problems.error(
          m.node("topic_prefix"),
          m.child("topic_prefix"),
          "must not contain the MQTT wildcards + or #, got " + show(prefix),
          "Use a plain prefix such as vigil/" + site + "/.");
    } else if (!prefix.endsWith("/")) {
      problems.error(
          m.node("topic_prefix"),
          m.child("topic_prefix"),
          "must end with '/', got " + show(prefix),
          "Add a trailing slash: " + prefix + "/");
    }
    String clientId = m.text("client_id");
    String username = m.text("username");
    String password = m.text("password");
    String passwordFile = m.text("password_file");
    String passwordKey = password != null ? "password" : "password_file";
    if (password != null && passwordFile != null) {
      problems.error(
          m.node("password_file"),
          m.child("password_file"),
          "duplicates mqtt.password",
          "Give the password once: either inline with password, or from a file with"
              + " password_file.");
    }
    if ((password != null || passwordFile != null) && username == null) {
      problems.error(
          m.node(passwordKey),
          m.child(passwordKey),
          "is set but mqtt.username is not",
          "Add the user name the password belongs to, or remove the password.");
    }
    String caFile = m.text("ca_file");
    if (caFile != null && url.startsWith("tcp://")) {
      problems.error(
          m.node("ca_file"),
          m.child("ca_file"),
          "is set but mqtt.url " + show(url) + " is plain text",
          "Use an ssl:// URL to connect with TLS, or remove ca_file.");
    }
    String[] client = pemPair(m, "cert_file", "key_file");
    // Only alerts talks MQTT: the agent and processor share this file without its secrets, so
    // these problems fail only the service that needs the files (SiteConfig.Mqtt#fileProblems).
    int before = problems.count();
    if (passwordFile != null && password == null) {
      password = secretFile(m, "password_file");
    }
    pemFiles(m, "cert_file", "key_file", client);
    List<String> fileProblems = problems.takeSince(before);
    if (client[0] != null && !ssl) {
      problems.error(
          m.node("cert_file"),
          m.child("cert_file"),
          "is set but mqtt.url " + show(url) + " is plain text",
          "Use an ssl:// URL to present a client certificate over TLS, or remove cert_file"
              + " and key_file.");
    }
    return new SiteConfig.Mqtt(
        url,
        prefix,
        clientId == null ? "vigil-alerts-" + site : clientId,
        username,
        password,
        expandHome(caFile),
        client[0],
        client[1],
        m.bool("home_assistant"),
        fileProblems);
  }

  /** The host of {@code url}, or null when it has none or is no URL. */
  static String host(String url) {
    try {
      return new URI(url.strip()).getHost();
    } catch (URISyntaxException e) {
      return null;
    }
  }

  static String expandHome(String path) {
    if (path != null && (path.equals("~") || path.startsWith("~/"))) {
      return System.getProperty("user.home") + path.substring(1);
    }
    return path;
  }
}
