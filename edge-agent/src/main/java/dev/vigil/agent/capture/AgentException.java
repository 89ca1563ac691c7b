package dev.vigil.agent.capture;

/**
 * The edge agent's one unchecked exception. Its message names what failed and, where known, why.
 */
public class AgentException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public AgentException(String message) {
    super(message);
  }

  public AgentException(String message, Throwable cause) {
    super(message, cause);
  }
}
