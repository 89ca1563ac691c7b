package dev.vigil.config;

import java.util.Locale;

/** A choice of site.yaml whose constant is named as site.yaml writes it, in lowercase. */
public interface YamlNamed {
  /** The constant's name. */
  String name();

  /** The name used in {@code site.yaml}. */
  default String yamlName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
