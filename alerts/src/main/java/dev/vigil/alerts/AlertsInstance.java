package dev.vigil.alerts;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;

/**
 * The name of one alerts process among those of a site, which makes its MQTT client id unique and
 * keeps it stable across restarts: {@code VIGIL_INSTANCE} when set, else the host name (the pod
 * name of a StatefulSet, the machine of a systemd unit), reduced to {@code [a-z0-9._-]}, at most 32
 * characters.
 */
public final class AlertsInstance {
  /** The environment variable that overrides the host name. */
  public static final String ENV = "VIGIL_INSTANCE";

  private AlertsInstance() {}

  /** The instance name from the environment, else from the host name. */
  public static String fromEnvironment() {
    String env = System.getenv(ENV);
    if (env != null && !env.isBlank()) {
      return env.strip();
    }
    return sanitize(hostName());
  }

  /** {@code name} lower-cased, every character outside [a-z0-9._-] as {@code -}, cut to 32. */
  static String sanitize(String name) {
    String s = name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9._-]", "-");
    s = s.length() > 32 ? s.substring(0, 32) : s;
    return s.isEmpty() ? "host" : s;
  }

  private static String hostName() {
    String env = System.getenv("HOSTNAME");
    if (env != null && !env.isBlank()) {
      return env;
    }
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "host";
    }
  }
}
