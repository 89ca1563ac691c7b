package dev.vigil.inference.model;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * A minimal streaming reader of (ustar, GNU and pax) tar archives: enough for npm tarballs. Not
 * thread-safe; owns and closes the stream it reads.
 */
final class TarReader implements AutoCloseable {

  /** One archive member. */
  record Entry(String name, long size, char type) {
    boolean isFile() {
      return type == '0' || type == '\0' || type == '7';
    }
  }

  private static final int BLOCK = 512;

  private final InputStream in;
  private final byte[] header = new byte[BLOCK];
  private long remaining;
  private long padding;

  TarReader(InputStream in) {
    this.in = in;
  }

  /** Advances to the next member, skipping the rest of the current one; null at the end. */
  Entry next() throws IOException {
    String longName = null;
    while (true) {
      skipFully(remaining + padding);
      remaining = 0;
      padding = 0;
      if (!readBlock()) {
        return null;
      }
      if (isZeroBlock()) {
        return null;
      }
      String name = string(0, 100);
      long size = octal(124, 12);
      char type = (char) header[156];
      String prefix = string(345, 155);
      if (!prefix.isEmpty() && string(257, 6).startsWith("ustar")) {
        name = prefix + "/" + name;
      }
      remaining = size;
      padding = (BLOCK - size % BLOCK) % BLOCK;
      if (type == 'L' || type == 'x') {
        byte[] data = readContents(size);
        if (type == 'L') {
          longName = new String(data, StandardCharsets.UTF_8).replace("\0", "");
        } else {
          String path = paxPath(new String(data, StandardCharsets.UTF_8));
          if (path != null) {
            longName = path;
          }
        }
        continue;
      }
      return new Entry(longName != null ? longName : name, size, type);
    }
  }

  /** The contents of the current member; valid until {@link #next()}. Not to be closed. */
  InputStream contents() {
    return new InputStream() {
      @Override
      public int read() throws IOException {
        if (remaining <= 0) {
          return -1;
        }
        int b = in.read();
        if (b < 0) {
          throw new EOFException("Truncated tar member");
        }
        remaining--;
        return b;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        if (remaining <= 0) {
          return -1;
        }
        int n = in.read(b, off, (int) Math.min(len, remaining));
        if (n < 0) {
          throw new EOFException("Truncated tar member");
        }
        remaining -= n;
        return n;
      }
    };
  }

  @Override
  public void close() throws IOException {
    in.close();
  }

  private byte[] readContents(long size) throws IOException {
    if (size > Integer.MAX_VALUE) {
      throw new IOException("Tar header too large: " + size);
    }
    byte[] data = contents().readNBytes((int) size);
    if (data.length != size) {
      throw new EOFException("Truncated tar header");
    }
    return data;
  }

  private static String paxPath(String records) {
    // Each record is "<len> key=value\n".
    for (String line : records.split("\n")) {
      int space = line.indexOf(' ');
      if (space > 0 && line.startsWith("path=", space + 1)) {
        return line.substring(space + 6);
      }
    }
    return null;
  }

  private boolean readBlock() throws IOException {
    int n = in.readNBytes(header, 0, BLOCK);
    if (n == 0) {
      return false;
    }
    if (n != BLOCK) {
      throw new EOFException("Truncated tar header block");
    }
    return true;
  }

  private boolean isZeroBlock() {
    for (byte b : header) {
      if (b != 0) {
        return false;
      }
    }
    return true;
  }

  private String string(int off, int len) {
    int end = off;
    while (end < off + len && header[end] != 0) {
      end++;
    }
    return new String(header, off, end - off, StandardCharsets.UTF_8);
  }

  private long octal(int off, int len) throws IOException {
    String s = string(off, len).trim();
    if (s.isEmpty()) {
      return 0;
    }
    try {
      return Long.parseLong(s, 8);
    } catch (NumberFormatException e) {
      throw new IOException("Bad tar size field: " + s, e);
    }
  }

  private void skipFully(long n) throws IOException {
    in.skipNBytes(n);
  }
}
