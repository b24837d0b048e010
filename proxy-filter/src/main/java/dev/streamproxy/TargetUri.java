package dev.streamproxy;

import java.net.URI;

/**
 * One configured upstream of a route: an absolute URI (its host name is resolved to every address, each a target
 * of its own) and a weight, its share of the exchanges relative to the route's other targets.
 *
 * <p>In {@code web.xml} a route's targets are one {@code targetUri} value, comma-separated, each optionally followed
 * by a space and {@code weight=N}: {@code http://10.0.0.5:9000/svc weight=3, http://10.0.0.6:9000/svc}.
 *
 * @param uri    an absolute {@code http} or {@code https} URI with an optional base path
 * @param weight 1 or more; 1 by default
 */
public record TargetUri(URI uri, int weight) {

    /** The weight of a target that names none. */
    public static final int DEFAULT_WEIGHT = 1;

    /** @return the URI, followed by {@code weight=N} when not 1: the form {@code targetUri} accepts */
    @Override
    public String toString() {
        return weight == DEFAULT_WEIGHT ? uri.toString() : uri + " weight=" + weight;
    }
}
