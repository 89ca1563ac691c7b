package dev.vigil.config;

/**
 * The unchecked base exception of the config module. Its message says what is wrong and the fix.
 */
public class VigilConfigException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public VigilConfigException(String message) {
    super(message);
  }

  public VigilConfigException(String message, Throwable cause) {
    super(message, cause);
  }
}
