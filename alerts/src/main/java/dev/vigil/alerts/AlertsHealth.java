package dev.vigil.alerts;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The health of an alerts process, for {@code /health/live}, {@code /health/ready} and logs.
 *
 * @param live false once any loop has failed: the process must exit so that it is restarted
 * @param ready live, connected to the MQTT broker, and no loop retrying
 * @param checks one line per part: {@code mqtt} and each loop's {@link LoopStatus}
 */
public record AlertsHealth(boolean live, boolean ready, Map<String, String> checks) {
  public AlertsHealth {
    checks = Map.copyOf(checks);
  }

  /** The health of {@code loops} sharing {@code publisher}. */
  public static AlertsHealth of(MqttAlertPublisher publisher, List<LoopStatus> loops) {
    Map<String, String> checks = new LinkedHashMap<>();
    boolean connected = publisher.isConnected();
    checks.put("mqtt", connected ? "CONNECTED" : "DISCONNECTED");
    boolean live = true;
    boolean busy = false;
    for (LoopStatus loop : loops) {
      checks.put(loop.name(), loop.toString());
      live &= loop.state() != LoopStatus.State.FAILED && loop.state() != LoopStatus.State.STOPPED;
      busy |= loop.state() != LoopStatus.State.RUNNING;
    }
    return new AlertsHealth(live, live && connected && !busy, checks);
  }
}
