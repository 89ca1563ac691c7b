package dev.vigil.agent;

import java.time.Duration;

/**
 * Told when a camera's source ends or fails. Called on that camera's capture thread, so keep it
 * short and thread-safe; exceptions it throws are logged and ignored.
 */
public interface AgentListener {
  /** Does nothing. */
  AgentListener NONE = new AgentListener() {};

  /** A file or image folder reached its end; its frames have been handed to the send queue. */
  default void onSourceEnded(String cameraId, CameraStats stats) {}

  /**
   * A source failed to open or broke.
   *
   * @param retryIn delay before the next attempt, or null when the agent gives up on this camera
   *     (files and folders are never retried)
   */
  default void onSourceFailed(String cameraId, Throwable cause, Duration retryIn) {}
}
