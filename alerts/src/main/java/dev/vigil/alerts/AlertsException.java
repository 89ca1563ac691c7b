package dev.vigil.alerts;

/**
 * The one unchecked exception of the alerts module. Its message says what went wrong and, where
 * possible, which configuration key to fix.
 */
public class AlertsException extends RuntimeException {
  public AlertsException(String message) {
    super(message);
  }

  public AlertsException(String message, Throwable cause) {
    super(message, cause);
  }
}
