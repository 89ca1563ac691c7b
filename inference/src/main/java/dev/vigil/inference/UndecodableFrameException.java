package dev.vigil.inference;

/** The bytes of a frame are not an image that can be decoded. Route such a record to the DLQ. */
public class UndecodableFrameException extends InferenceException {
  private static final long serialVersionUID = 1L;

  public UndecodableFrameException(String message) {
    super(message);
  }
}
