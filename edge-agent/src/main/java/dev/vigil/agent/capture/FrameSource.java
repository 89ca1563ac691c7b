package dev.vigil.agent.capture;

/**
 * A source of captured frames, shaped like JavaCV's {@code FrameGrabber}: {@link #start()}, then
 * {@link #grab()} until it returns null, then {@link #close()}.
 *
 * <p>Thread safety: none; one thread owns a source for its whole life. Memory: {@link #grab()}
 * reuses the previous image's memory (see {@link Capture}).
 */
public interface FrameSource extends AutoCloseable {
  /**
   * Opens the source.
   *
   * @throws dev.vigil.agent.capture.AgentException naming the source when it cannot be opened
   */
  void start();

  /**
   * Returns the next image or audio block, or null at the end of a file or folder. For a non-live
   * source in realtime mode this sleeps until the item's media time.
   *
   * @throws dev.vigil.agent.capture.AgentException when reading fails
   */
  Capture grab();

  /** True for cameras and network streams, whose capture time is the wall clock at grab. */
  boolean live();

  /** The source as configured, for logs and errors. */
  String description();

  /** Stops and releases native resources. Idempotent; never throws. */
  @Override
  void close();
}
