package dev.vigil.agent;

import dev.vigil.config.Secrets;

/**
 * A snapshot of one camera loop's counters. Immutable.
 *
 * @param cameraId the camera
 * @param source the source string
 * @param state where the loop is
 * @param framesGrabbed images read from the source
 * @param framesSampledOut images dropped by fps sampling
 * @param framesSkippedByMotion images skipped by the motion gate
 * @param framesDropped frames lost because the send queue was full
 * @param framesSent frames acknowledged by Kafka
 * @param audioSnippetsSent audio snippets acknowledged by Kafka
 * @param sendErrors records lost because Kafka failed to take or acknowledge them (and no spool
 *     could keep them)
 * @param spooled records written to the disk spool because Kafka could not take them
 * @param attempts times the source was opened (or tried)
 * @param lastRetryDelayMs delay before the latest retry, 0 if none
 * @param lastError the latest error message, or null
 */
public record CameraStats(
    String cameraId,
    String source,
    State state,
    long framesGrabbed,
    long framesSampledOut,
    long framesSkippedByMotion,
    long framesDropped,
    long framesSent,
    long audioSnippetsSent,
    long sendErrors,
    long spooled,
    int attempts,
    long lastRetryDelayMs,
    String lastError) {

  /** The source and the last error never show a URL's password. */
  public CameraStats {
    source = Secrets.redact(source);
    lastError = Secrets.redact(lastError);
  }

  /** Lifecycle of one camera loop. */
  public enum State {
    /** Not started yet. */
    NEW,
    /** Opening the source. */
    CONNECTING,
    /** Grabbing frames. */
    RUNNING,
    /** Waiting before reconnecting a live source. */
    RETRYING,
    /** A file or folder reached its end. */
    ENDED,
    /** The source failed and will not be retried. */
    FAILED,
    /** The agent was closed. */
    STOPPED;

    public boolean terminal() {
      return this == ENDED || this == FAILED || this == STOPPED;
    }
  }
}
