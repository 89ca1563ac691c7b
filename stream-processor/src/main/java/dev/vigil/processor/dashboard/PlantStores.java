package dev.vigil.processor.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.config.CameraStatus;
import dev.vigil.config.HttpAccess;
import dev.vigil.config.Json;
import dev.vigil.config.Observation;
import dev.vigil.config.Violation;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.function.Function;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * The dashboard's stores for the whole plant: this instance's partitions read locally, every other
 * processor's read from its {@code /api/local/stores/<name>} (found through Kafka Streams' {@code
 * application.server} metadata), merged into one read-only view. So any processor answers for every
 * camera. An instance that cannot be reached makes the view unavailable (503) rather than silently
 * partial. A merged view is reused for {@link #REUSE_MS}, so one page render fetches each store
 * once.
 */
public final class PlantStores implements StoreAccess {
  /** How long one fetched view of a store is reused. */
  static final long REUSE_MS = 200;

  /** The value type of each dashboard store, to read its entries from JSON. */
  static final Map<String, Class<?>> VALUE_TYPES =
      Map.of(
          DashboardTopology.LATEST_STORE, Observation.class,
          DashboardTopology.COMPLIANCE_STORE, ComplianceWindow.class,
          DashboardTopology.OPEN_VIOLATIONS_STORE, Violation.class,
          DashboardTopology.HISTORY_STORE, HistoryEvent.class,
          DashboardTopology.AVAILABILITY_STORE, CameraStatus.class,
          DashboardTopology.HOURLY_COMPLIANCE_STORE, HourlyCompliance.class,
          DashboardTopology.HOURLY_VIOLATIONS_STORE, HourlyViolations.class);

  private final StoreAccess local;
  private final Function<String, Hosts> hosts;
  private final String bearerToken;
  private final String scheme;
  private final HttpClient http;
  private final Map<String, Fetched> recent = new java.util.concurrent.ConcurrentHashMap<>();

  private record Fetched(long at, NavigableMap<String, Object> entries) {}

  /**
   * Where a store's partitions live.
   *
   * @param local whether this instance holds some of them
   * @param peers the other instances that hold some, by their HTTP endpoint
   */
  public record Hosts(boolean local, List<HostInfo> peers) {}

  /**
   * @param local this instance's stores
   * @param hosts where each store (by name) lives
   * @param access this instance's HTTP settings, which its peers share: the token to present and
   *     whether to speak HTTPS
   */
  public PlantStores(StoreAccess local, Function<String, Hosts> hosts, HttpAccess access) {
    this.local = local;
    this.hosts = hosts;
    this.bearerToken = access.peerToken();
    this.scheme = access.scheme();
    HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2));
    if (access.tls()) {
      b.sslContext(access.peerContext());
    }
    this.http = b.build();
  }

  /** Where each store of {@code streams}' application lives, by {@code application.server}. */
  public static Function<String, Hosts> hostsOf(KafkaStreams streams, HostInfo self) {
    return name -> {
      boolean here = false;
      List<HostInfo> peers = new ArrayList<>();
      for (StreamsMetadata m : streams.streamsMetadataForStore(name)) {
        if (!m.stateStoreNames().contains(name)) {
          continue; // a standby copy only: the active one answers
        }
        if (m.hostInfo().equals(self)) {
          here = true;
        } else if (!m.hostInfo().equals(HostInfo.unavailable())) {
          peers.add(m.hostInfo());
        }
      }
      return new Hosts(here, peers);
    };
  }

  /** Every entry of this instance's own store {@code name}, as a JSON object. */
  static String localEntries(StoreAccess local, String name) {
    Map<String, Object> out = new LinkedHashMap<>();
    try (KeyValueIterator<String, ?> it = local.keyValueStore(name).all()) {
      it.forEachRemaining(kv -> out.put(kv.key, kv.value));
    }
    return Json.toString(out);
  }

  @Override
  public ReadOnlyKeyValueStore<String, ?> keyValueStore(String name) {
    Class<?> type = VALUE_TYPES.get(name);
    if (type == null) {
      return local.keyValueStore(name);
    }
    long now = System.currentTimeMillis();
    Fetched f = recent.get(name);
    if (f == null || now - f.at() > REUSE_MS) {
      f = new Fetched(now, merged(name, type));
      recent.put(name, f);
    }
    return new MapStore(f.entries());
  }

  private NavigableMap<String, Object> merged(String name, Class<?> type) {
    NavigableMap<String, Object> all = new TreeMap<>();
    Hosts where = hosts.apply(name);
    if (where.local()) {
      try (KeyValueIterator<String, ?> it = local.keyValueStore(name).all()) {
        it.forEachRemaining(kv -> all.put(kv.key, kv.value));
      }
    }
    for (HostInfo peer : where.peers()) {
      JsonNode remote = fetch(peer, name);
      remote
          .fields()
          .forEachRemaining(
              e -> all.put(e.getKey(), Json.mapper().convertValue(e.getValue(), type)));
    }
    return all;
  }

  private JsonNode fetch(HostInfo peer, String name) {
    try {
      return Json.mapper().readTree(get(peer, "/api/local/stores/" + name));
    } catch (IOException e) {
      throw new DashboardUnavailableException(
          "processor " + peer.host() + ":" + peer.port() + " sent unreadable JSON: " + e, e);
    }
  }

  /**
   * Evidence snapshots for the whole plant: a snapshot lives in the task that processes its
   * camera's frames, so the camera's key says which processor to ask.
   *
   * @param owner the processor holding {@code camera}'s frames task, or null when it is this one
   */
  public EvidenceSource evidence(Function<String, HostInfo> owner) {
    EvidenceSource here = EvidenceSource.local(local);
    return (camera, id) -> {
      HostInfo peer = owner.apply(camera);
      if (peer == null) {
        return here.jpeg(camera, id);
      }
      return getBytes(peer, "/api/local/evidence/" + camera + "/" + id + ".jpg");
    };
  }

  /** The processor that holds {@code camera}'s evidence, or null when it is {@code self}. */
  public static Function<String, HostInfo> evidenceOwner(KafkaStreams streams, HostInfo self) {
    return camera -> {
      KeyQueryMetadata m =
          streams.queryMetadataForKey(
              EvidenceSnapshots.STORE, camera, Serdes.String().serializer());
      HostInfo active = m == null ? null : m.activeHost();
      if (active == null || active.equals(HostInfo.unavailable())) {
        throw new DashboardUnavailableException(
            "no processor holds camera " + camera + "'s evidence right now (rebalancing?)");
      }
      return active.equals(self) ? null : active;
    };
  }

  private String get(HostInfo peer, String path) {
    byte[] body = getBytes(peer, path);
    if (body == null) {
      throw new DashboardUnavailableException(
          "processor " + peer.host() + ":" + peer.port() + " has no " + path);
    }
    return new String(body, java.nio.charset.StandardCharsets.UTF_8);
  }

  /** The body of {@code GET path} on {@code peer}; null on 404. */
  private byte[] getBytes(HostInfo peer, String path) {
    URI uri = URI.create(scheme + "://" + peer.host() + ":" + peer.port() + path);
    HttpRequest.Builder req = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5));
    if (bearerToken != null) {
      req.header("Authorization", "Bearer " + bearerToken);
    }
    try {
      HttpResponse<byte[]> r = http.send(req.build(), HttpResponse.BodyHandlers.ofByteArray());
      if (r.statusCode() == 404) {
        return null;
      }
      if (r.statusCode() != 200) {
        throw new DashboardUnavailableException(
            "processor " + peer.host() + ":" + peer.port() + " answered " + r.statusCode());
      }
      return r.body();
    } catch (IOException e) {
      throw new DashboardUnavailableException(
          "processor " + peer.host() + ":" + peer.port() + " cannot be reached: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DashboardUnavailableException("interrupted while asking " + peer.host(), e);
    }
  }

  /** A read-only store over a sorted snapshot. */
  private record MapStore(NavigableMap<String, Object> entries)
      implements ReadOnlyKeyValueStore<String, Object> {
    @Override
    public Object get(String key) {
      return entries.get(key);
    }

    @Override
    public KeyValueIterator<String, Object> range(String from, String to) {
      return iterator(
          entries.subMap(from == null ? "" : from, true, to == null ? "\uffff" : to, true));
    }

    @Override
    public KeyValueIterator<String, Object> all() {
      return iterator(entries);
    }

    @Override
    public KeyValueIterator<String, Object> reverseAll() {
      return iterator(entries.descendingMap());
    }

    @Override
    public long approximateNumEntries() {
      return entries.size();
    }

    private static KeyValueIterator<String, Object> iterator(Map<String, Object> m) {
      Iterator<Map.Entry<String, Object>> it = m.entrySet().iterator();
      return new KeyValueIterator<>() {
        @Override
        public boolean hasNext() {
          return it.hasNext();
        }

        @Override
        public KeyValue<String, Object> next() {
          Map.Entry<String, Object> e = it.next();
          return KeyValue.pair(e.getKey(), e.getValue());
        }

        @Override
        public void close() {}

        @Override
        public String peekNextKey() {
          throw new UnsupportedOperationException("peekNextKey");
        }
      };
    }
  }
}
