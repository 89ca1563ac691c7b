package dev.vigil.inference;

/** The unchecked base exception of the inference module. */
public class InferenceException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public InferenceException(String message) {
    super(message);
  }

  public InferenceException(String message, Throwable cause) {
    super(message, cause);
  }
}
