package dev.vigil.deploy.drill;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.config.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The drill's real MQTT subscriber: {@code mosquitto_sub} with a persistent session (QoS 1, {@code
 * -c}), so what mosquitto queues for it while it is away still arrives. Every violation message is
 * kept with the time mosquitto_sub received it.
 */
final class MqttTap implements AutoCloseable {
  /** One violation event as received over MQTT. */
  record Event(
      String id,
      String state,
      String camera,
      String prompt,
      long started,
      String reason,
      long receivedMs) {}

  private final List<Event> events = new CopyOnWriteArrayList<>();
  private final Process process;
  private volatile String lastError = "";
  private volatile String status = "";

  MqttTap(int port, String site, Path errLog) throws IOException {
    Path binary = Mosquitto.find("mosquitto_sub");
    if (binary == null) {
      throw new DrillException(
          "mosquitto_sub: not found on PATH; install it with `" + Mosquitto.INSTALL + "`");
    }
    List<String> cmd =
        List.of(
            binary.toString(),
            "-h",
            Ports.LOOPBACK,
            "-p",
            Integer.toString(port),
            "-i",
            "vigil-drill-tap-" + ProcessHandle.current().pid(),
            "-c",
            "-q",
            "1",
            "-t",
            "vigil/" + site + "/+/violations",
            "-t",
            "vigil/" + site + "/status",
            "-F",
            "%U %t %p");
    process =
        new ProcessBuilder(cmd)
            .redirectError(ProcessBuilder.Redirect.appendTo(errLog.toFile()))
            .start();
    Thread reader = new Thread(this::read, "drill-mqtt-tap");
    reader.setDaemon(true);
    reader.start();
  }

  private void read() {
    try (BufferedReader in =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        int a = line.indexOf(' ');
        int b = line.indexOf(' ', a + 1);
        if (a < 0 || b < 0) {
          continue;
        }
        if (line.substring(a + 1, b).endsWith("/status")) {
          status = line.substring(b + 1).trim();
          continue;
        }
        try {
          long received = Math.round(Double.parseDouble(line.substring(0, a)) * 1000);
          JsonNode v = Json.mapper().readTree(line.substring(b + 1));
          events.add(
              new Event(
                  v.path("id").asText(),
                  v.path("state").asText(),
                  v.path("camera").asText(),
                  v.path("prompt").path("id").asText(),
                  v.path("started").asLong(),
                  v.path("reason").isTextual() ? v.path("reason").asText() : null,
                  received));
        } catch (IOException | RuntimeException e) {
          lastError = e.toString();
        }
      }
    } catch (IOException e) {
      lastError = e.toString();
    }
  }

  List<Event> events() {
    return new ArrayList<>(events);
  }

  /** The retained {@code status} of the alerts service: {@code online} or {@code offline}. */
  String status() {
    return status;
  }

  boolean alive() {
    return process.isAlive();
  }

  String lastError() {
    return lastError;
  }

  @Override
  public void close() {
    process.destroy();
  }
}
