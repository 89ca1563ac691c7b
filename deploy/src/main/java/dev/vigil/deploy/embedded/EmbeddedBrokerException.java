package dev.vigil.deploy.embedded;

/**
 * An embedded broker could not start, serve a request or stop. The message says what went wrong
 * and, where there is one, the fix (for example which command-line option picks another port).
 */
public class EmbeddedBrokerException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public EmbeddedBrokerException(String message) {
    super(message);
  }

  public EmbeddedBrokerException(String message, Throwable cause) {
    super(message, cause);
  }
}
