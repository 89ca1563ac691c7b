package dev.vigil.alerts;

import java.lang.reflect.Field;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.internal.MqttConnectionState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Works around a Paho 1.2.5 bug: when the broker allows topic aliases (mosquitto does by default),
 * Paho replaces the topic of each outgoing PUBLISH by an alias in place, also in its in-flight
 * store. After a reconnect it resends those in-flight messages with an alias the new connection
 * never defined, the broker disconnects with "protocol error" (reason 130), and the client loops
 * forever. Vigil never needs aliases, so this pins the outgoing alias maximum at 0.
 *
 * <p>There is no public option for it, so this replaces Paho's connection state by reflection. If
 * Paho's internals change, it logs a warning and leaves the client as it is.
 */
final class PahoTopicAliases {
  private static final Logger LOG = LoggerFactory.getLogger(PahoTopicAliases.class);

  private PahoTopicAliases() {}

  /** A connection state that never offers outgoing topic aliases. */
  static final class NoOutgoingAliases extends MqttConnectionState {
    NoOutgoingAliases(String clientId) {
      super(clientId);
    }

    @Override
    public Integer getOutgoingTopicAliasMaximum() {
      return 0;
    }
  }

  /** Call once, right after constructing the client and before connecting. */
  static boolean disable(MqttAsyncClient client) {
    try {
      MqttConnectionState replacement = new NoOutgoingAliases(client.getClientId());
      Object comms = read(MqttAsyncClient.class, "comms", client);
      Object state = read(comms.getClass(), "clientState", comms);
      int replaced = 0;
      for (Object holder : new Object[] {client, comms, state}) {
        for (Field f : holder.getClass().getDeclaredFields()) {
          if (f.getType() == MqttConnectionState.class) {
            f.setAccessible(true);
            f.set(holder, replacement);
            replaced++;
          }
        }
      }
      return replaced == 3;
    } catch (ReflectiveOperationException | RuntimeException e) {
      LOG.warn(
          "cannot disable MQTT topic aliases ({}); reconnects may loop if the broker offers them",
          e.toString());
      return false;
    }
  }

  private static Object read(Class<?> type, String name, Object target)
      throws ReflectiveOperationException {
    Field f = type.getDeclaredField(name);
    f.setAccessible(true);
    return f.get(target);
  }
}
