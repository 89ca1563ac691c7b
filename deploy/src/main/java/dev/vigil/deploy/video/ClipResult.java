package dev.vigil.deploy.video;

import java.util.List;

/**
 * What perception found over one clip, frame by frame.
 *
 * @param file the clip's file name
 * @param frames the sampled frames, in order
 * @param perceptionSeconds time spent in perception (decode of the JPEG included)
 * @param error why the clip could not be read (fully), or null
 */
public record ClipResult(
    String file, List<FrameCount> frames, double perceptionSeconds, String error) {
  public ClipResult {
    frames = List.copyOf(frames);
  }

  /** The sum of every frame's counts (its {@code seconds} is the clip's last frame time). */
  public FrameCount total() {
    int people = 0;
    int helmet = 0;
    int noHelmet = 0;
    int unknown = 0;
    int heads16 = 0;
    int judged16 = 0;
    double last = 0;
    for (FrameCount f : frames) {
      people += f.people();
      helmet += f.helmet();
      noHelmet += f.noHelmet();
      unknown += f.unknown();
      heads16 += f.heads16();
      judged16 += f.judged16();
      last = f.seconds();
    }
    return new FrameCount(last, people, helmet, noHelmet, unknown, heads16, judged16);
  }
}
