package dev.vigil.config.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * One service's metrics registry: a Micrometer {@link PrometheusMeterRegistry} whose {@link
 * #scrape()} is the service's {@code /metrics}, with the JVM's meters bound (memory, GC, threads,
 * class loading, CPU, uptime: the {@code jvm_*}, {@code process_*} and {@code system_*} families).
 *
 * <p>{@link dev.vigil.config.http.ServiceHttp} serves the scrape as {@code
 * ServiceHttp.METRICS_TYPE}. Lifecycle: {@link #close} unhooks the GC listener and closes the
 * registry. Thread-safe.
 */
public final class ServiceMetrics implements AutoCloseable {
  private final PrometheusMeterRegistry registry;
  private final JvmGcMetrics gc;

  private ServiceMetrics(boolean jvm) {
    this.registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    if (jvm) {
      new ClassLoaderMetrics().bindTo(registry);
      new JvmMemoryMetrics().bindTo(registry);
      new JvmThreadMetrics().bindTo(registry);
      new ProcessorMetrics().bindTo(registry);
      new UptimeMetrics().bindTo(registry);
      gc = new JvmGcMetrics();
      gc.bindTo(registry);
    } else {
      gc = null;
    }
  }

  /** A registry with the JVM's meters: what a running service serves. */
  public static ServiceMetrics withJvm() {
    return new ServiceMetrics(true);
  }

  /** A registry with no meters of its own, for a part measured alone (such as in a test). */
  public static ServiceMetrics bare() {
    return new ServiceMetrics(false);
  }

  /** The registry the service's meters are added to. */
  public MeterRegistry registry() {
    return registry;
  }

  /** Every meter in the Prometheus text format 0.0.4. */
  public String scrape() {
    return registry.scrape();
  }

  @Override
  public void close() {
    if (gc != null) {
      gc.close();
    }
    registry.close();
  }
}
