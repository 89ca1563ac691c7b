package dev.vigil.alerts;

/**
 * The MQTT broker acknowledged a publish with a refusal (an MQTT v5 reason code of 0x80 or more).
 * Most refusals may pass (quota, a busy broker); "not authorized" (135) cannot, since no retry
 * changes an ACL.
 */
public final class MqttRefusedException extends AlertsException {
  private static final long serialVersionUID = 1L;

  /** MQTT v5 reason code 0x87: the broker's ACL forbids this client to publish there. */
  static final int NOT_AUTHORIZED = 0x87;

  private final int reasonCode;

  MqttRefusedException(String message, int reasonCode) {
    super(message);
    this.reasonCode = reasonCode;
  }

  public int reasonCode() {
    return reasonCode;
  }

  /** True when no retry can succeed, so the service should stop and say why. */
  public boolean unrecoverable() {
    return reasonCode == NOT_AUTHORIZED;
  }
}
