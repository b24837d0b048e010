/** Start-up cost of the plain filter jar against the self-contained one ({@link dev.streamproxy.benchmark.startup.JarVariants}). */
package dev.streamproxy.benchmark.startup;
