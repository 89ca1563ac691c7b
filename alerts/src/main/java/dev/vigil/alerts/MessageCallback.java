package dev.vigil.alerts;

import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;

/**
 * A Paho callback of a subscriber that only takes messages: the other events mean nothing to it, so
 * a lambda for {@link #messageArrived} is the whole callback.
 */
@FunctionalInterface
public interface MessageCallback extends MqttCallback {
  @Override
  default void disconnected(MqttDisconnectResponse response) {}

  @Override
  default void mqttErrorOccurred(MqttException exception) {}

  @Override
  default void deliveryComplete(IMqttToken token) {}

  @Override
  default void connectComplete(boolean reconnect, String serverUri) {}

  @Override
  default void authPacketArrived(int reasonCode, MqttProperties properties) {}
}
