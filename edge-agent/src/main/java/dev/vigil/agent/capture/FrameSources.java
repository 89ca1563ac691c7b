package dev.vigil.agent.capture;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Pattern;

/** Picks a {@link FrameSource} implementation from a camera's {@code source} string. Stateless. */
public final class FrameSources {
  private static final Pattern URL = Pattern.compile("^[a-zA-Z][a-zA-Z0-9+.-]*://.*");

  private FrameSources() {}

  /** The kinds of source the agent understands. */
  public enum Kind {
    /** rtsp, rtsps, http, https (or any other FFmpeg protocol URL): live, wall-clock time. */
    URL,
    /** A V4L2 device such as {@code /dev/video0} or {@code v4l2:/dev/video0}: live. */
    DEVICE,
    /** A video file: media time, not retried. */
    FILE,
    /** A folder of images: played at the camera's fps, not retried. */
    FOLDER
  }

  /** Classifies a source string without touching the network or checking the file exists. */
  public static Kind kind(String source) {
    if (source.startsWith("v4l2:") || source.startsWith("/dev/video")) {
      return Kind.DEVICE;
    }
    if (URL.matcher(source).matches() && !source.toLowerCase(Locale.ROOT).startsWith("file://")) {
      return Kind.URL;
    }
    return Files.isDirectory(path(source)) ? Kind.FOLDER : Kind.FILE;
  }

  /** True when frames should be stamped with the wall clock and failures retried. */
  public static boolean isLive(String source) {
    Kind k = kind(source);
    return k == Kind.URL || k == Kind.DEVICE;
  }

  /**
   * Creates (but does not start) the source.
   *
   * @param source file path, image folder, URL or V4L2 device
   * @param fps frame rate for image folders (ignored otherwise)
   * @param realtime pace files and folders to their media clock; live sources pace themselves
   * @param clock wall clock and sleeper
   * @param timeout socket timeout for network sources
   * @throws AgentException naming the path when a file or folder does not exist
   */
  public static FrameSource open(
      String source, double fps, boolean realtime, AgentClock clock, Duration timeout) {
    Kind kind = kind(source);
    switch (kind) {
      case URL:
        return new FfmpegSource(source, source, null, true, false, clock, timeout);
      case DEVICE:
        String dev = source.startsWith("v4l2:") ? source.substring("v4l2:".length()) : source;
        return new FfmpegSource(source, dev, "video4linux2", true, false, clock, timeout);
      case FOLDER:
        return new ImageFolderSource(path(source), fps, realtime, clock);
      case FILE:
      default:
        Path p = path(source);
        if (!Files.isRegularFile(p)) {
          throw new AgentException(
              "Camera source not found: "
                  + p.toAbsolutePath()
                  + " (expected a video file, an image folder, or an rtsp/http(s) URL)");
        }
        return new FfmpegSource(source, p.toString(), null, false, realtime, clock, timeout);
    }
  }

  private static Path path(String source) {
    String s = source.toLowerCase(Locale.ROOT).startsWith("file://") ? source.substring(7) : source;
    return Path.of(s);
  }
}
