package dev.vigil.deploy.drill;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.stream.Stream;

/**
 * A network camera on loopback: an HTTP MJPEG stream ({@code multipart/x-mixed-replace}, as IP
 * cameras serve it) of a clip's frames. Like a live camera it runs on the wall clock from the first
 * request: whoever connects gets the frame of that moment, and frames are gone for whoever is not
 * connected. After the last frame every stream ends and new requests get 404.
 */
final class MjpegCamera implements AutoCloseable {
  private static final String BOUNDARY = "vigilframe";

  private final List<byte[]> frames = new ArrayList<>();
  private final double fps;
  private final HttpServer server;
  private volatile long originMs = -1;
  private volatile long lastServedMs = -1;

  MjpegCamera(Path folder, double fps) throws IOException {
    try (Stream<Path> files = Files.list(folder)) {
      for (Path p : files.filter(f -> f.toString().endsWith(".jpg")).sorted().toList()) {
        frames.add(Files.readAllBytes(p));
      }
    }
    if (frames.isEmpty()) {
      throw new DrillException("camera: no .jpg frames in " + folder);
    }
    this.fps = fps;
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(Executors.newCachedThreadPool());
    server.createContext("/stream.mjpg", this::stream);
    server.start();
  }

  int port() {
    return server.getAddress().getPort();
  }

  /** When the last frame of the clip was written to a client, or -1 before that. */
  long lastServedMs() {
    return lastServedMs;
  }

  private synchronized long origin() {
    if (originMs < 0) {
      originMs = System.currentTimeMillis();
    }
    return originMs;
  }

  private void stream(HttpExchange ex) throws IOException {
    long origin = origin();
    try (ex) {
      if (index(origin) >= frames.size()) {
        ex.sendResponseHeaders(404, -1);
        return;
      }
      ex.getResponseHeaders().set("Content-Type", "multipart/x-mixed-replace;boundary=" + BOUNDARY);
      ex.sendResponseHeaders(200, 0);
      OutputStream out = ex.getResponseBody();
      int sent = -1;
      while (true) {
        int i = index(origin);
        if (i >= frames.size()) {
          return;
        }
        if (i > sent) {
          byte[] jpeg = frames.get(i);
          out.write(
              ("--"
                      + BOUNDARY
                      + "\r\nContent-Type: image/jpeg\r\nContent-Length: "
                      + jpeg.length
                      + "\r\n\r\n")
                  .getBytes(StandardCharsets.US_ASCII));
          out.write(jpeg);
          out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
          out.flush();
          sent = i;
          if (i == frames.size() - 1) {
            lastServedMs = System.currentTimeMillis();
          }
        }
        KafkaCluster.pause(Math.max(1, origin + (long) ((i + 1) * 1000 / fps) - now()));
      }
    } catch (IOException e) {
      // the client went away or the network to it was cut: a live camera just goes on
    }
  }

  private int index(long origin) {
    return (int) Math.floor((now() - origin) * fps / 1000.0);
  }

  private static long now() {
    return System.currentTimeMillis();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
