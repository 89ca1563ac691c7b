package dev.vigil.inference.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class TarReaderTest {

  /** One 512-byte ustar header plus padded contents. */
  private static void member(ByteArrayOutputStream out, String name, char type, byte[] data) {
    byte[] h = new byte[512];
    put(h, 0, name);
    put(h, 100, "0000644");
    put(h, 124, String.format("%011o", data.length));
    put(h, 257, "ustar");
    put(h, 263, "00");
    h[156] = (byte) type;
    // The checksum is computed with its own field as spaces.
    Arrays.fill(h, 148, 156, (byte) ' ');
    int sum = 0;
    for (byte b : h) {
      sum += b & 0xff;
    }
    put(h, 148, String.format("%06o", sum));
    out.writeBytes(h);
    out.writeBytes(data);
    out.writeBytes(new byte[(512 - data.length % 512) % 512]);
  }

  private static void put(byte[] h, int off, String s) {
    byte[] b = s.getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(b, 0, h, off, b.length);
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void shouldReadNamesAndContentsWhenArchiveHasLongAndPaxNames() throws IOException {
    String longName = "package/" + "d/".repeat(60) + "deep.txt";
    String pax = "30 path=package/from-pax.json\n";
    ByteArrayOutputStream tar = new ByteArrayOutputStream();
    member(tar, "package/a.txt", '0', utf8("hello"));
    member(tar, "package/dir/", '5', new byte[0]);
    member(tar, "././@LongLink", 'L', utf8(longName + "\0"));
    member(tar, "ignored", '0', utf8("deep contents"));
    member(tar, "PaxHeader", 'x', utf8(pax));
    member(tar, "short", '0', new byte[600]);
    tar.writeBytes(new byte[1024]);

    try (TarReader reader = new TarReader(new ByteArrayInputStream(tar.toByteArray()))) {
      TarReader.Entry a = reader.next();
      assertThat(a.name()).isEqualTo("package/a.txt");
      assertThat(a.isFile()).isTrue();
      assertThat(reader.contents().readAllBytes()).isEqualTo(utf8("hello"));
      TarReader.Entry dir = reader.next();
      assertThat(dir.isFile()).isFalse();
      TarReader.Entry deep = reader.next();
      assertThat(deep.name()).isEqualTo(longName);
      // Not reading the contents: next() must skip them and their padding.
      TarReader.Entry fromPax = reader.next();
      assertThat(fromPax.name()).isEqualTo("package/from-pax.json");
      assertThat(fromPax.size()).isEqualTo(600);
      assertThat(reader.contents().readAllBytes()).hasSize(600);
      assertThat(reader.next()).isNull();
    }
  }

  @Test
  void shouldFailWhenArchiveIsTruncated() {
    ByteArrayOutputStream tar = new ByteArrayOutputStream();
    member(tar, "package/a.txt", '0', new byte[1000]);
    byte[] cut = Arrays.copyOf(tar.toByteArray(), 700);

    assertThatThrownBy(
            () -> {
              try (TarReader reader = new TarReader(new ByteArrayInputStream(cut))) {
                reader.next();
                reader.contents().readAllBytes();
              }
            })
        .isInstanceOf(EOFException.class);
  }
}
