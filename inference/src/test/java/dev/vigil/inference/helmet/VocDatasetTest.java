package dev.vigil.inference.helmet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.vigil.config.Box;
import dev.vigil.inference.InferenceException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VocDatasetTest {

  private static final String XML =
      """
      <annotation>
        <filename>a.jpg</filename>
        <size><width>200</width><height>100</height><depth>3</depth></size>
        <object><name>helmet</name>
          <bndbox><xmin>10</xmin><ymin>20</ymin><xmax>50</xmax><ymax>60</ymax></bndbox></object>
        <object><name>person</name>
          <bndbox><xmin>0</xmin><ymin>0</ymin><xmax>200</xmax><ymax>100</ymax></bndbox></object>
        <object><name>head</name>
          <bndbox><xmin>100</xmin><ymin>0</ymin><xmax>300</xmax><ymax>50</ymax></bndbox></object>
      </annotation>
      """;

  @Test
  void shouldReadHeadsAndIgnorePersonsWhenGivenVocFolder(@TempDir Path dir) throws IOException {
    Files.createDirectories(dir.resolve("annotations"));
    Files.createDirectories(dir.resolve("images"));
    Files.writeString(dir.resolve("annotations/a.xml"), XML);
    Files.write(dir.resolve("images/a.jpg"), new byte[] {1});

    List<VocImage> images = VocDataset.read(dir);

    assertThat(images).hasSize(1);
    VocImage a = images.get(0);
    assertThat(a.name()).isEqualTo("a.jpg");
    assertThat(a.width()).isEqualTo(200);
    assertThat(a.heads())
        .containsExactly(
            new LabelledHead(new Box(0.05, 0.2, 0.25, 0.6), true),
            new LabelledHead(new Box(0.5, 0, 1, 0.5), false));
    assertThat(a.helmets()).isEqualTo(1);
    assertThat(a.bareHeads()).isEqualTo(1);
  }

  @Test
  void shouldSplitByTheSourcesSplitColumnWhenTheFolderHasOne(@TempDir Path dir) throws IOException {
    Files.createDirectories(dir.resolve("annotations"));
    Files.createDirectories(dir.resolve("images"));
    for (String name : List.of("t", "v", "s", "other")) {
      Files.writeString(
          dir.resolve("annotations/" + name + ".xml"), XML.replace("a.jpg", name + ".jpg"));
      Files.write(dir.resolve("images/" + name + ".jpg"), new byte[] {1});
    }
    Files.writeString(
        dir.resolve("sources.csv"),
        "file,source_path,source_split\n"
            + "t.jpg,x/train/t.jpg,train\n"
            + "v.jpg,x/valid/v.jpg,valid\n"
            + "s.jpg,x/test/s.jpg,test\n");

    // other.jpg is not listed: by its name hash (CRC-32 % 5 == 2) it is in FIT. TRAIN is FIT and
    // TUNE, as for a folder split by name hash: a final run trains on everything but test.
    assertThat(VocDataset.read(dir, VocDataset.Split.TRAIN))
        .extracting(VocImage::name)
        .containsExactly("other.jpg", "t.jpg", "v.jpg");
    assertThat(VocDataset.read(dir, VocDataset.Split.FIT))
        .extracting(VocImage::name)
        .containsExactly("other.jpg", "t.jpg");
    assertThat(VocDataset.read(dir, VocDataset.Split.TUNE))
        .extracting(VocImage::name)
        .containsExactly("v.jpg");
    assertThat(VocDataset.read(dir, VocDataset.Split.VALIDATION))
        .extracting(VocImage::name)
        .containsExactly("s.jpg");
    assertThat(VocDataset.read(dir, VocDataset.Split.ALL)).hasSize(4);
  }

  @Test
  void shouldNameTheFolderWhenItIsNotVoc(@TempDir Path dir) {
    assertThatThrownBy(() -> VocDataset.read(dir))
        .isInstanceOf(InferenceException.class)
        .hasMessageContaining(dir.toString())
        .hasMessageContaining("annotations/");
  }

  @Test
  void shouldNameTheFileWhenImageIsMissing(@TempDir Path dir) throws IOException {
    Files.createDirectories(dir.resolve("annotations"));
    Files.createDirectories(dir.resolve("images"));
    Files.writeString(dir.resolve("annotations/a.xml"), XML);

    assertThatThrownBy(() -> VocDataset.read(dir))
        .isInstanceOf(InferenceException.class)
        .hasMessageContaining("a.jpg");
  }

  @Test
  void shouldSplitHardhatIntoDisjointTrainAndValidationWhenReadBySplit() {
    Path hardhat = SharedData.hardhat();

    List<VocImage> all = VocDataset.read(hardhat);
    List<VocImage> train = VocDataset.read(hardhat, VocDataset.Split.TRAIN);
    List<VocImage> validation = VocDataset.read(hardhat, VocDataset.Split.VALIDATION);

    assertThat(all).hasSize(560);
    assertThat(train.size() + validation.size()).isEqualTo(560);
    assertThat(validation.size() / 560.0).isCloseTo(0.2, within(0.04));
    assertThat(train).doesNotContainAnyElementsOf(validation);
    assertThat(all.stream().mapToInt(VocImage::helmets).sum()).isEqualTo(2024);
    assertThat(all.stream().mapToInt(VocImage::bareHeads).sum()).isEqualTo(645);
  }

  @Test
  void shouldDescribeEachTrainingSplitByItsOwnRule() {
    // The manifest of weights trained on FIT must not claim TRAIN.
    assertThat(VocDataset.Split.TRAIN.describe()).startsWith("train =").contains("!= 0");
    assertThat(VocDataset.Split.FIT.describe()).startsWith("fit =").contains("> 1");
    assertThat(
            HelmetTrainer.Options.defaults(1, 1)
                .trainingInfo(VocDataset.Split.FIT)
                .get("split")
                .asText())
        .isEqualTo(VocDataset.Split.FIT.describe());
  }

  @Test
  void shouldCarveTuneAndFitOutOfTrainWhenChoosingSettings() {
    Path hardhat = SharedData.hardhat();

    List<VocImage> train = VocDataset.read(hardhat, VocDataset.Split.TRAIN);
    List<VocImage> tune = VocDataset.read(hardhat, VocDataset.Split.TUNE);
    List<VocImage> fit = VocDataset.read(hardhat, VocDataset.Split.FIT);
    List<VocImage> validation = VocDataset.read(hardhat, VocDataset.Split.VALIDATION);

    assertThat(tune).hasSize(120);
    assertThat(fit).hasSize(328);
    assertThat(fit).doesNotContainAnyElementsOf(tune);
    assertThat(train).containsExactlyInAnyOrderElementsOf(concat(tune, fit));
    assertThat(tune).doesNotContainAnyElementsOf(validation);
    assertThat(VocDataset.Split.FIT.heldOut()).isEqualTo(VocDataset.Split.TUNE);
    assertThat(VocDataset.Split.TRAIN.heldOut()).isEqualTo(VocDataset.Split.VALIDATION);
    assertThatThrownBy(VocDataset.Split.TUNE::heldOut)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("TRAIN or FIT");
  }

  private static List<VocImage> concat(List<VocImage> a, List<VocImage> b) {
    List<VocImage> out = new java.util.ArrayList<>(a);
    out.addAll(b);
    return out;
  }
}
