package dev.vigil.inference.helmet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.config.Box;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UnlabelledHeadsTest {

  @Test
  void shouldMarkTheTopOfABodyWhoseHeadIsNotLabelledAndNoOther() {
    Box labelledBody = new Box(0.1, 0.2, 0.3, 0.9);
    Box skippedBody = new Box(0.6, 0.1, 0.8, 0.9);
    LabelledHead head = new LabelledHead(new Box(0.15, 0.2, 0.25, 0.3), true);

    List<Box> regions = UnlabelledHeads.regions(List.of(labelledBody, skippedBody), List.of(head));

    assertThat(regions).hasSize(1);
    Box top = regions.get(0);
    assertThat(top.x1()).isEqualTo(0.6);
    assertThat(top.x2()).isEqualTo(0.8);
    assertThat(top.y1()).isLessThan(0.1);
    assertThat(top.y2()).isCloseTo(0.1 + HeadZone.DEPTH * 0.8, within());
  }

  @Test
  void shouldReadTheBodiesOfTheGivenImagesFromTheFolder(@TempDir Path dir) throws IOException {
    Files.createDirectories(dir.resolve("annotations"));
    Files.createDirectories(dir.resolve("images"));
    Files.writeString(
        dir.resolve("annotations/a.xml"),
        """
        <annotation>
          <filename>a.jpg</filename>
          <size><width>100</width><height>100</height><depth>3</depth></size>
          <object><name>person</name>
            <bndbox><xmin>60</xmin><ymin>10</ymin><xmax>80</xmax><ymax>90</ymax></bndbox></object>
          <object><name>helmet</name>
            <bndbox><xmin>10</xmin><ymin>10</ymin><xmax>20</xmax><ymax>20</ymax></bndbox></object>
        </annotation>
        """);
    Files.write(dir.resolve("images/a.jpg"), new byte[] {1});
    List<VocImage> images = VocDataset.read(dir);

    Map<Path, List<Box>> regions = UnlabelledHeads.of(images);

    assertThat(regions).containsOnlyKeys(images.get(0).image());
    assertThat(regions.get(images.get(0).image())).hasSize(1);
    assertThat(UnlabelledHeads.of(List.of())).isEmpty();
  }

  private static org.assertj.core.data.Offset<Double> within() {
    return org.assertj.core.data.Offset.offset(1e-9);
  }
}
