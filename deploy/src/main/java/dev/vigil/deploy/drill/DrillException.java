package dev.vigil.deploy.drill;

/** A drill that cannot go on: a part that cannot start or never became ready. One-line message. */
final class DrillException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  DrillException(String message) {
    super(message);
  }

  DrillException(String message, Throwable cause) {
    super(message, cause);
  }
}
