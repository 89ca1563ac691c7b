package dev.vigil.config;

import static dev.vigil.config.YamlProblems.line;
import static dev.vigil.config.YamlProblems.show;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/**
 * Maps the checked {@code cameras} and {@code prompts} of a site.yaml to their records, adding what
 * the schema cannot say: unique ids and zone names, source URL schemes, zones that enclose an area,
 * and prompts that name configured cameras. Not thread-safe: one per parse.
 */
final class CameraSections {
  private static final Pattern URL_SCHEME = Pattern.compile("^([A-Za-z][A-Za-z0-9+.-]*)://");
  private static final Set<String> SOURCE_SCHEMES = Set.of("rtsp", "rtsps", "http", "https");

  private final YamlProblems problems;

  /** The id of each camera read so far, with the node that first gave it. */
  private final Map<String, Node> cameraIds = new LinkedHashMap<>();

  CameraSections(YamlProblems problems) {
    this.problems = problems;
  }

  List<SiteConfig.Camera> cameras(YamlMap top) {
    List<SiteConfig.Camera> cameras = new ArrayList<>();
    for (YamlMap c : top.maps("cameras")) {
      cameras.add(camera(c));
    }
    return cameras;
  }

  private SiteConfig.Camera camera(YamlMap c) {
    // As given even when malformed, so prompts naming it get no second, misleading error.
    String id = c.given("id");
    if (id != null) {
      Node first = cameraIds.putIfAbsent(id, c.node("id"));
      if (first != null) {
        unique(c, "id", "duplicate camera id " + show(id), first, "Give each camera a unique id.");
      }
    }
    String source = c.text("source");
    Matcher m = URL_SCHEME.matcher(source == null ? "" : source);
    if (m.find() && !SOURCE_SCHEMES.contains(m.group(1).toLowerCase(Locale.ROOT))) {
      problems.error(
          c.node("source"),
          c.child("source"),
          "unsupported URL scheme " + show(m.group(1)),
          c.fix("source"));
    }
    List<SiteConfig.Zone> zones = new ArrayList<>();
    Map<String, Node> names = new HashMap<>();
    for (YamlMap z : c.maps("zones")) {
      zones.add(zone(z, names));
    }
    return new SiteConfig.Camera(
        c.text("id"),
        source,
        c.number("fps"),
        c.number("keyframe_interval_s"),
        c.number("motion_threshold"),
        c.number("audio_calibration_db"),
        c.number("offline_after_s"),
        c.number("max_future_s"),
        c.integer("min_head_px"),
        SiteConfig.AudioMode.valueOf(c.text("audio").toUpperCase(Locale.ROOT)),
        zones);
  }

  private void unique(YamlMap m, String key, String what, Node first, String fix) {
    problems.error(m.node(key), m.child(key), what + " (first at line " + line(first) + ")", fix);
  }

  private SiteConfig.Zone zone(YamlMap z, Map<String, Node> names) {
    String name = z.text("name");
    if (name != null) {
      Node first = names.putIfAbsent(name, z.node("name"));
      if (first != null) {
        unique(
            z,
            "name",
            "duplicate zone name " + show(name),
            first,
            "Give each zone of a camera a unique name.");
      }
    }
    List<Point> points = new ArrayList<>();
    boolean allValid = !z.bad("polygon");
    for (Node p : z.items("polygon")) {
      List<Node> xy = p instanceof SequenceNode pair ? pair.getValue() : List.of();
      if (xy.size() == 2) {
        String x = z.valid(xy.get(0));
        String y = z.valid(xy.get(1));
        allValid &= x != null && y != null;
        if (x != null && y != null) {
          points.add(new Point(Double.parseDouble(x), Double.parseDouble(y)));
        }
      } else {
        allValid = false;
      }
    }
    if (allValid && points.size() >= 3 && Math.abs(area(points)) < 1e-9) {
      problems.error(
          z.node("polygon"),
          z.child("polygon"),
          "encloses no area (its points lie on one line)",
          "Give at least three corners that enclose the zone.");
    }
    return new SiteConfig.Zone(name, points);
  }

  private static double area(List<Point> p) {
    double sum = 0;
    for (int i = 0; i < p.size(); i++) {
      Point a = p.get(i);
      Point b = p.get((i + 1) % p.size());
      sum += a.x() * b.y() - b.x() * a.y();
    }
    return sum / 2;
  }

  List<PromptSpec> prompts(YamlMap top) {
    List<PromptSpec> prompts = new ArrayList<>();
    Map<String, Node> ids = new HashMap<>();
    for (YamlMap p : top.maps("prompts")) {
      prompts.add(prompt(p, ids));
    }
    return prompts;
  }

  private PromptSpec prompt(YamlMap p, Map<String, Node> ids) {
    String id = p.text("id");
    if (id != null) {
      Node first = ids.putIfAbsent(id, p.node("id"));
      if (first != null) {
        unique(p, "id", "duplicate prompt id " + show(id), first, "Give each prompt a unique id.");
      }
    }
    List<String> cameras = new ArrayList<>();
    List<Node> cameraNodes = p.items("cameras");
    for (int i = 0; i < cameraNodes.size(); i++) {
      String path = p.child("cameras") + "[" + i + "]";
      Node n = cameraNodes.get(i);
      String camera = p.valid(n);
      if (camera != null && cameraIds.containsKey(camera)) {
        cameras.add(camera);
      } else if (camera != null) {
        problems.error(n, path, "unknown camera " + show(camera), knownCameras(camera));
      } else if (p.isUnset(n)) {
        problems.error(n, path, "is empty", "Give a camera id.");
      }
    }
    String verify = p.text("verify");
    String mode = p.text("verify_mode");
    if (mode != null && verify == null && !p.bad("verify")) {
      problems.error(
          p.node("verify_mode"),
          p.child("verify_mode"),
          "is set but verify is not",
          "Add verify: vlm, or remove verify_mode.");
    }
    return new PromptSpec(
        id, p.text("text"), cameras, p.number("cooldown_s"), p.text("severity"), verify, mode);
  }

  private String knownCameras(String camera) {
    if (cameraIds.isEmpty()) {
      return "No cameras are configured; add it under cameras:, or remove this entry.";
    }
    String hint = SiteConfigLoader.closest(camera, List.copyOf(cameraIds.keySet()));
    return (hint == null ? "" : "Did you mean " + hint + "? ")
        + "Configured cameras: "
        + String.join(", ", cameraIds.keySet())
        + ".";
  }
}
