package dev.vigil.processor.dashboard;

/** The dashboard's stores cannot be queried now (Kafka Streams is not running); retry later. */
public final class DashboardUnavailableException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public DashboardUnavailableException(String message) {
    super(message);
  }

  public DashboardUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
