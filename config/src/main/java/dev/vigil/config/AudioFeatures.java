package dev.vigil.config;

/**
 * Features of one audio snippet.
 *
 * @param laeqDbfs A-weighted equivalent level in dB relative to full scale (AES17: a full-scale 1
 *     kHz sine reads 0.0)
 * @param alarm a sustained tonal alarm, siren, bell or horn is sounding
 * @param impulse a sudden broadband jump (impact, explosion)
 */
public record AudioFeatures(double laeqDbfs, boolean alarm, boolean impulse) {}
