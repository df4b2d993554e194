package net.lorawanns.core.redis;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.net.NetClient;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vertx.redis.client.ResponseType;
import io.vertx.redis.client.impl.RedisURI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Opens a lane's {@link NodePipeline} to the server that takes writes on a standalone or Sentinel deployment: the
 * configured server, or the master the sentinels name.
 *
 * <p>With Sentinel, each opening asks the sentinels in the configured order ({@code SENTINEL GET-MASTER-ADDR-BY-NAME})
 * until one answers, then connects to the master it names with that sentinel URL's TLS setting, credentials and
 * database, as the Vert.x Sentinel client does (it builds the master's URI from the sentinel's). The Vert.x client's
 * pool is not asked for a connection to read the master's address from: its connections do not expose the address,
 * and its topology is cached for a while after a failover. Sentinel announces the new master only once it promoted
 * it, but a server it names may still be a replica for a moment (or again, after a failover the old master missed),
 * so the connection checks {@code ROLE} and is refused unless the server is the master; the lane then tries again
 * after its back-off. A lane asks again whenever it reconnects: after its connection failed, or a write was answered
 * READONLY (a failover demoted its server).
 *
 * <p>Threads: {@link #open()} is called on a lane's event loop; holds no state of its own.
 */
final class MasterLocator {
    private final NetClient client;
    /** The standalone server's or the sentinels' URLs. */
    private final List<RedisURI> servers;
    /** The monitored master's name; null for a standalone server. */
    private final String masterName;
    private final long timeoutMs;

    private MasterLocator(NetClient client, List<String> urls, String masterName, long timeoutMs) {
        this.client = client;
        this.servers = urls.stream().map(RedisURI::new).toList();
        this.masterName = masterName;
        this.timeoutMs = timeoutMs;
    }

    /** The one configured server. */
    static MasterLocator standalone(NetClient client, String url, long timeoutMs) {
        return new MasterLocator(client, List.of(url), null, timeoutMs);
    }

    /** The master that the sentinels at {@code urls} name {@code masterName}. */
    static MasterLocator sentinel(NetClient client, List<String> urls, String masterName, long timeoutMs) {
        return new MasterLocator(client, urls, masterName, timeoutMs);
    }

    /** A pipeline to the server that takes writes, authenticated and on the configured database. */
    Future<NodePipeline> open() {
        if (masterName == null) {
            RedisURI server = servers.get(0);
            String host = server.socketAddress().host();
            int port = server.socketAddress().port();
            return NodePipeline.open(client, server, host, port, NodePipeline.hello(server, true),
                    "Redis " + host + ":" + port, timeoutMs);
        }
        Promise<NodePipeline> master = Promise.promise();
        ask(0, new ArrayList<>(), master);
        return master.future();
    }

    /** Asks the sentinel {@code index} for the master, then connects to it; else the next sentinel. */
    private void ask(int index, List<String> refusals, Promise<NodePipeline> master) {
        if (index == servers.size()) {
            master.fail(new RedisFailure(RedisFailure.Kind.UNAVAILABLE, "no sentinel named the master '" + masterName
                    + "': " + String.join("; ", refusals)));
            return;
        }
        RedisURI sentinel = servers.get(index);
        String host = sentinel.socketAddress().host();
        int port = sentinel.socketAddress().port();
        String name = "Redis Sentinel " + host + ":" + port;
        // SELECT is refused by sentinels; their URL's database is the master's.
        NodePipeline.open(client, sentinel, host, port, NodePipeline.hello(sentinel, false), name, timeoutMs)
                .compose(pipeline -> {
                    Future<Response> address = send(pipeline, Request.cmd(Command.SENTINEL)
                            .arg("GET-MASTER-ADDR-BY-NAME").arg(masterName));
                    address.onComplete(done -> pipeline.close(new RedisFailure(RedisFailure.Kind.UNAVAILABLE,
                            "closed after the master's address was read")));
                    return address;
                })
                .compose(address -> {
                    if (address == null || address.type() != ResponseType.MULTI || address.size() != 2) {
                        return Future.failedFuture(name + " knows no master '" + masterName + "'");
                    }
                    return connect(sentinel, address.get(0).toString(), address.get(1).toInteger());
                })
                .onSuccess(master::complete)
                .onFailure(e -> {
                    refusals.add(RedisFailure.describe(e));
                    ask(index + 1, refusals, master);
                });
    }

    /** Connects to the master at {@code host:port} and checks that it is one. */
    private Future<NodePipeline> connect(RedisURI sentinel, String host, int port) {
        String name = "Redis master " + host + ":" + port;
        return NodePipeline.open(client, sentinel, host, port, NodePipeline.hello(sentinel, true), name, timeoutMs)
                .compose(pipeline -> send(pipeline, Request.cmd(Command.ROLE)).transform(role -> {
                    if (role.succeeded() && role.result() != null && role.result().type() == ResponseType.MULTI
                            && "master".equals(role.result().get(0).toString())) {
                        return Future.succeededFuture(pipeline);
                    }
                    RedisFailure refused = new RedisFailure(RedisFailure.Kind.UNAVAILABLE, name + " is not a master"
                            + " (a failover in progress?): ROLE answered " + (role.succeeded() ? role.result()
                            : RedisFailure.describe(role.cause())));
                    pipeline.close(refused);
                    return Future.failedFuture(refused);
                }));
    }

    /** One request on its own write; an error reply or no reply within the request timeout fails the future. */
    private Future<Response> send(NodePipeline pipeline, Request request) {
        Promise<Response> reply = Promise.promise();
        pipeline.add(new ClientRequest(request), new NodePipeline.Reply() {
            @Override
            public void replied(Response response) {
                if (response != null && response.type() == ResponseType.ERROR) {
                    reply.fail(new RedisFailure(RedisFailure.Kind.UNAVAILABLE, pipeline.name() + " answered "
                            + request.command() + " with " + response));
                } else {
                    reply.complete(response);
                }
            }

            @Override
            public void failed(RedisFailure why) {
                reply.tryFail(why);
            }
        });
        pipeline.flush();
        return reply.future().timeout(timeoutMs, TimeUnit.MILLISECONDS);
    }
}
