package dev.vigil.deploy.video;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VideoReportTest {

  @Test
  void shouldScoreJudgedHeadsAgainstTheClipsHelmetShareAndPoolBySumming(@TempDir Path dir)
      throws Exception {
    Path truth =
        Files.writeString(dir.resolve("truth.csv"), "file,helmet_share\nbare.mp4,0\nhats.mp4,1\n");
    // bare: 3 called helmet, 1 no helmet, 1 unknown over two frames; hats: 4 helmet, 1 bare.
    ClipResult bare =
        new ClipResult(
            "bare.mp4",
            List.of(new FrameCount(0, 2, 2, 0, 1, 3, 2), new FrameCount(0.5, 2, 1, 1, 0, 2, 2)),
            1,
            null);
    ClipResult hats =
        new ClipResult("hats.mp4", List.of(new FrameCount(0, 5, 4, 1, 0, 5, 5)), 1, null);

    VideoReport report =
        new VideoReport(
            List.of(bare, hats), VideoTruth.read(truth, List.of("bare.mp4", "hats.mp4")), 2);

    Map<String, Object> b = report.clipMaps().get(0);
    assertThat(b).containsEntry("heads", 5).containsEntry("judged_16px", 4);
    assertThat(b).containsEntry("false_helmet_rate", 0.75).containsEntry("helmet_recall", null);
    // Per frame, the "without a helmet" answer should be every head: |0 - 3| and |1 - 2|.
    assertThat(b).containsEntry("count_mae_no_helmet", 2.0);
    Map<String, Object> h = report.clipMaps().get(1);
    assertThat(h).containsEntry("helmet_recall", 0.8).containsEntry("false_helmet_rate", null);
    Map<String, Object> pooled = report.pooled();
    assertThat(pooled).containsEntry("false_helmet_rate", 0.75).containsEntry("helmet_recall", 0.8);
    assertThat(pooled).containsEntry("frames", 3).containsEntry("heads_16px", 10);
    assertThat(report.toJson()).startsWith("{\"clips\":[{\"file\":\"bare.mp4\",\"frames\":2,");
  }

  @Test
  void shouldScorePerFrameCountsAgainstTheNearestSampledFrame(@TempDir Path dir) throws Exception {
    // Truth at 0.1 s and 1.0 s; frames at 0 s and 0.5 s (2 fps): no frame lies within half a
    // period (0.25 s) of 1.0 s, so only the first row is scored, against the frame at 0 s.
    Path truth =
        Files.writeString(
            dir.resolve("counts.csv"), "file,t_s,helmet,no_helmet\nc.mp4,0.1,1,2\nc.mp4,1.0,0,1\n");
    ClipResult clip =
        new ClipResult(
            "c.mp4",
            List.of(new FrameCount(0, 3, 2, 1, 0, 3, 3), new FrameCount(0.5, 1, 0, 1, 0, 1, 1)),
            1,
            null);

    Map<String, Object> m =
        new VideoReport(List.of(clip), VideoTruth.read(truth, List.of("c.mp4")), 2)
            .clipMaps()
            .get(0);

    // 2 called helmet against 1 true: one false helmet out of 2 bare heads; 1 of 1 helmet found.
    assertThat(m).containsEntry("false_helmet_rate", 0.5).containsEntry("helmet_recall", 1.0);
    assertThat(m).containsEntry("count_mae_helmet", 1.0).containsEntry("count_mae_no_helmet", 1.0);
  }
}
