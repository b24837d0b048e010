package dev.streamproxy.benchmark.report;

import java.util.ArrayList;
import java.util.List;

import dev.streamproxy.benchmark.load.IdleTunnels;

/**
 * What {@code --websocket} measured beyond the {@link RunRecord}: the echo cells are the record's {@code cells}
 * (scenario {@code ws32} or {@code ws64k}, one "request" per message); here are the idle-tunnel measurements.
 */
public final class WebSocketRecord {

    public final List<IdleTunnels.Result> idle = new ArrayList<>();
}
