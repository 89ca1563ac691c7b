package dev.vigil.agent.spool;

import dev.vigil.config.PrivateFiles;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An append-only, size-capped spool of Kafka records on disk: segment files {@code
 * segment-<n>.spool} in one folder, each a sequence of entries {@code magic, length, CRC-32,
 * payload} (topic, key, timestamp, headers, value). It survives restarts: a spool opened on a
 * folder holds what an earlier process left there.
 *
 * <p>Appends go to the newest segment, which rolls at {@code segmentBytes}. Replay takes the oldest
 * segment whole ({@link #oldest}) and removes it once every record is acknowledged ({@link
 * #remove}), so delivery is at least once. When the spool would grow past {@code maxBytes} the
 * oldest segment is deleted and its records counted as dropped: the newest frames matter most to a
 * live monitor. A torn entry at the end of a segment (the process died mid-write) ends that
 * segment's replay and is counted as corrupt.
 *
 * <p>Thread-safe: every method is synchronized. Entries reach the OS on each append (no fsync), so
 * a process crash loses nothing appended and a power cut may lose the last segment's tail.
 */
public final class DiskSpool implements Closeable {
  private static final Logger LOG = LoggerFactory.getLogger(DiskSpool.class);
  private static final int MAGIC = 0x56535031; // "VSP1"
  private static final String PREFIX = "segment-";
  private static final String SUFFIX = ".spool";

  /** Default segment size: a few hundred frames. */
  public static final long DEFAULT_SEGMENT_BYTES = 16L << 20;

  private final Path dir;
  private final long maxBytes;
  private final long segmentBytes;
  // segment number -> {bytes, records}
  private final TreeMap<Long, long[]> segments = new TreeMap<>();
  private OutputStream active;
  private long activeNumber = -1;
  private long appended;
  private long removed;
  private long dropped;
  private long corrupt;
  private boolean closed;

  private DiskSpool(Path dir, long maxBytes, long segmentBytes) {
    this.dir = dir;
    this.maxBytes = maxBytes;
    this.segmentBytes = segmentBytes;
  }

  /**
   * Opens (creating if needed) the spool in {@code dir}, with what an earlier process left there.
   *
   * @param maxBytes cap of the whole spool; at least two segments
   * @param segmentBytes size at which the newest segment rolls
   */
  public static DiskSpool open(Path dir, long maxBytes, long segmentBytes) throws IOException {
    if (segmentBytes < 1 || maxBytes < 2 * segmentBytes) {
      throw new IllegalArgumentException(
          "The spool needs room for at least two segments: max "
              + maxBytes
              + " bytes, segments of "
              + segmentBytes);
    }
    PrivateFiles.createDirectories(dir);
    DiskSpool spool = new DiskSpool(dir, maxBytes, segmentBytes);
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.toList()) {
        String name = f.getFileName().toString();
        if (name.startsWith(PREFIX) && name.endsWith(SUFFIX)) {
          long n = Long.parseLong(name.substring(PREFIX.length(), name.length() - SUFFIX.length()));
          spool.segments.put(n, new long[] {Files.size(f), spool.count(f)});
        }
      }
    }
    if (!spool.segments.isEmpty()) {
      LOG.info(
          "Spool {}: {} record(s) left by an earlier run, in {} segment(s)",
          dir,
          spool.records(),
          spool.segments.size());
    }
    return spool;
  }

  /** Opens the spool with {@link #DEFAULT_SEGMENT_BYTES} segments. */
  public static DiskSpool open(Path dir, long maxBytes) throws IOException {
    return open(dir, maxBytes, Math.min(DEFAULT_SEGMENT_BYTES, maxBytes / 4));
  }

  /** Appends a record to the newest segment, dropping the oldest segments past the cap. */
  public synchronized void append(ProducerRecord<String, byte[]> record) throws IOException {
    if (closed) {
      throw new IOException("Spool " + dir + " is closed");
    }
    byte[] payload = encode(record);
    long size = 12L + payload.length;
    if (active == null || segments.get(activeNumber)[0] + size > segmentBytes) {
      roll();
      Path segment = Files.createFile(file(activeNumber), PrivateFiles.fileAttributes());
      active = Files.newOutputStream(segment, StandardOpenOption.APPEND);
      segments.put(activeNumber, new long[] {0, 0});
    }
    while (bytes() + size > maxBytes && segments.size() > 1) {
      Map.Entry<Long, long[]> oldest = segments.pollFirstEntry();
      Files.deleteIfExists(file(oldest.getKey()));
      dropped += oldest.getValue()[1];
      LOG.warn(
          "Spool {} is full ({} bytes): dropped its oldest {} record(s)",
          dir,
          maxBytes,
          oldest.getValue()[1]);
    }
    CRC32 crc = new CRC32();
    crc.update(payload);
    active.write(
        ByteBuffer.allocate(12)
            .putInt(MAGIC)
            .putInt(payload.length)
            .putInt((int) crc.getValue())
            .array());
    active.write(payload);
    active.flush();
    long[] s = segments.get(activeNumber);
    s[0] += size;
    s[1]++;
    appended++;
  }

  /** Whether no record waits on disk. */
  public synchronized boolean isEmpty() {
    return segments.values().stream().allMatch(s -> s[1] == 0);
  }

  /**
   * The oldest segment's records, in the order they were appended; the newest segment is rolled
   * first if it is the only one, so appends go on meanwhile. Null when the spool is empty.
   */
  public synchronized Segment oldest() throws IOException {
    while (!segments.isEmpty()) {
      long n = segments.firstKey();
      if (n == activeNumber) {
        roll();
      }
      List<ProducerRecord<String, byte[]>> records = read(file(n));
      if (!records.isEmpty()) {
        return new Segment(n, records);
      }
      remove(new Segment(n, records));
    }
    return null;
  }

  /** Deletes a segment whose records have all been delivered. */
  public synchronized void remove(Segment segment) throws IOException {
    if (segment.number() == activeNumber) {
      roll();
    }
    long[] s = segments.remove(segment.number());
    if (s != null) {
      removed += s[1];
    }
    Files.deleteIfExists(file(segment.number()));
  }

  /** Counters since this spool was opened, and what is on disk now. */
  public synchronized Stats stats() {
    return new Stats(records(), bytes(), appended, removed, dropped, corrupt);
  }

  public Path dir() {
    return dir;
  }

  @Override
  public synchronized void close() throws IOException {
    closed = true;
    roll();
  }

  /**
   * What a spool holds and has done.
   *
   * @param records records on disk now
   * @param bytes bytes on disk now
   * @param appended records appended since opened
   * @param delivered records removed after delivery since opened
   * @param dropped records deleted unsent because the spool was full
   * @param corrupt torn or damaged entries skipped
   */
  public record Stats(
      long records, long bytes, long appended, long delivered, long dropped, long corrupt) {}

  /** One segment's records, oldest first. */
  public record Segment(long number, List<ProducerRecord<String, byte[]>> records) {}

  // ---------------------------------------------------------------------------------------------

  private void roll() throws IOException {
    if (active != null) {
      active.close();
      active = null;
    }
    activeNumber = segments.isEmpty() ? Math.max(0, activeNumber + 1) : segments.lastKey() + 1;
  }

  private long bytes() {
    return segments.values().stream().mapToLong(s -> s[0]).sum();
  }

  private long records() {
    return segments.values().stream().mapToLong(s -> s[1]).sum();
  }

  private Path file(long n) {
    return dir.resolve(String.format("%s%020d%s", PREFIX, n, SUFFIX));
  }

  /**
   * Whole entries in a segment, from their headers alone: opening a full spool should not read
   * every frame in it. Replay checks each entry's CRC.
   */
  private long count(Path f) throws IOException {
    long n = 0;
    try (FileChannel ch = FileChannel.open(f)) {
      ByteBuffer header = ByteBuffer.allocate(12);
      long pos = 0;
      long size = ch.size();
      while (pos + 12 <= size) {
        header.clear();
        ch.read(header, pos);
        int length = header.getInt(4);
        if (header.getInt(0) != MAGIC || length < 0 || pos + 12 + length > size) {
          break; // a torn or damaged entry ends the segment, as in read()
        }
        pos += 12L + length;
        n++;
      }
    }
    return n;
  }

  private List<ProducerRecord<String, byte[]>> read(Path f) throws IOException {
    List<ProducerRecord<String, byte[]>> out = new ArrayList<>();
    try (InputStream raw = Files.newInputStream(f);
        DataInputStream in = new DataInputStream(new BufferedInputStream(raw))) {
      while (true) {
        int magic;
        try {
          magic = in.readInt();
        } catch (EOFException end) {
          return out;
        }
        try {
          int length = in.readInt();
          int crc = in.readInt();
          if (magic != MAGIC || length < 0 || length > segmentBytes) {
            throw new IOException("bad entry header");
          }
          byte[] payload = in.readNBytes(length);
          CRC32 check = new CRC32();
          check.update(payload);
          if (payload.length != length || (int) check.getValue() != crc) {
            throw new IOException("torn or damaged entry");
          }
          out.add(decode(payload));
        } catch (IOException e) {
          corrupt++;
          LOG.warn(
              "Spool segment {}: {} after {} record(s); the rest is skipped", f, e, out.size());
          return out;
        }
      }
    } catch (NoSuchFileException gone) {
      return out;
    }
  }

  static byte[] encode(ProducerRecord<String, byte[]> r) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + valueLength(r));
    DataOutputStream out = new DataOutputStream(bytes);
    out.writeUTF(r.topic());
    out.writeBoolean(r.key() != null);
    if (r.key() != null) {
      out.writeUTF(r.key());
    }
    out.writeLong(r.timestamp() == null ? -1 : r.timestamp());
    Header[] headers = r.headers().toArray();
    out.writeInt(headers.length);
    for (Header h : headers) {
      out.writeUTF(h.key());
      writeBytes(out, h.value());
    }
    writeBytes(out, r.value());
    out.flush();
    return bytes.toByteArray();
  }

  static ProducerRecord<String, byte[]> decode(byte[] payload) throws IOException {
    DataInputStream in = new DataInputStream(new ByteArrayInputStream(payload));
    String topic = in.readUTF();
    String key = in.readBoolean() ? in.readUTF() : null;
    long ts = in.readLong();
    int n = in.readInt();
    List<Header> headers = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      String k = in.readUTF();
      headers.add(new RecordHeader(k, readBytes(in)));
    }
    byte[] value = readBytes(in);
    return new ProducerRecord<>(topic, null, ts < 0 ? null : ts, key, value, headers);
  }

  private static int valueLength(ProducerRecord<String, byte[]> r) {
    return r.value() == null ? 0 : r.value().length;
  }

  private static void writeBytes(DataOutputStream out, byte[] b) throws IOException {
    out.writeInt(b == null ? -1 : b.length);
    if (b != null) {
      out.write(b);
    }
  }

  private static byte[] readBytes(DataInputStream in) throws IOException {
    int n = in.readInt();
    if (n < 0) {
      return null;
    }
    byte[] b = in.readNBytes(n);
    if (b.length != n) {
      throw new EOFException("value cut short");
    }
    return b;
  }
}
