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

  /** The MQTT v5 name of a PUBACK reason code of 0x80 or more, e.g. {@code not authorized}. */
  static String reasonName(int code) {
    return switch (code) {
      case 0x80 -> "unspecified error";
      case 0x83 -> "implementation specific error";
      case NOT_AUTHORIZED -> "not authorized";
      case 0x90 -> "topic name invalid";
      case 0x91 -> "packet identifier in use";
      case 0x97 -> "quota exceeded";
      case 0x99 -> "payload format invalid";
      default -> "reason code 0x" + Integer.toHexString(code);
    };
  }

  /** True when no retry can succeed, so the service should stop and say why. */
  public boolean unrecoverable() {
    return reasonCode == NOT_AUTHORIZED;
  }
}
