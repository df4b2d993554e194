package net.lorawanns.core.api;

import static net.lorawanns.core.api.ApiJson.body;
import static net.lorawanns.core.api.ApiJson.optionalString;
import static net.lorawanns.core.api.ApiJson.requiredString;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.HttpException;
import java.net.URI;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Supplier;
import net.lorawanns.core.device.Application;
import net.lorawanns.core.device.ApplicationStore;
import net.lorawanns.core.device.Device;
import net.lorawanns.core.device.DeviceProfile;
import net.lorawanns.core.device.DeviceProfileInUseException;
import net.lorawanns.core.device.DeviceProfileStore;
import net.lorawanns.core.device.DeviceSession;
import net.lorawanns.core.device.DeviceStore;
import net.lorawanns.core.device.GatewayStore;
import net.lorawanns.core.device.NetworkDefaults;
import net.lorawanns.core.device.ProfileReferenceException;
import net.lorawanns.core.device.SessionAddress;
import net.lorawanns.core.device.SessionStore;
import net.lorawanns.core.events.EventSink;
import net.lorawanns.core.integration.EventStream;
import net.lorawanns.core.integration.WebhookAddressPolicy;
import net.lorawanns.core.join.DevNonceRegistry;
import net.lorawanns.core.join.JoinServerDoctor;
import net.lorawanns.core.join.RootKeyProvisioning;
import net.lorawanns.core.join.RootKeys;
import net.lorawanns.core.join.RootKeysOwnedException;
import net.lorawanns.core.mac.MacState;
import net.lorawanns.core.queue.DownlinkQueue;
import net.lorawanns.core.queue.QueueFullException;
import net.lorawanns.core.redis.RedisFailure;
import net.lorawanns.core.region.Region;
import net.lorawanns.core.types.AesKey;
import net.lorawanns.core.types.DevAddr;
import net.lorawanns.core.types.Eui64;
import net.lorawanns.core.types.MacVersion;
import net.lorawanns.core.types.NetId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The REST API, its routes and their validation built from its OpenAPI document ({@link ApiDocument}): applications
 * (webhook), gateways, device profiles, devices (OTAA root keys write-only, ABP sessions), DevNonce reset, each device's
 * downlink queue, the event stream and the API keys. Every request but the document's needs
 * {@code Authorization: Bearer <api key>} of a scope that allows it ({@link ApiAuthentication}, {@link ScopeCheck}).
 * Errors are JSON {@code {"error": "..."}}; nothing internal (stack traces, keys) is ever in a response.
 */
public final class RestApi {
    private static final Logger LOG = LoggerFactory.getLogger(RestApi.class);
    private static final long MAX_BODY_BYTES = 64 * 1024;
    /** The API document's tag of the built-in join server's operations (internal-js). */
    private static final String JOIN_SERVER_TAG = "join-server";

    /**
     * The stores and services the API works on. {@code rootKeys} is empty when the internal join server is off;
     * {@code joinServerDoctor} checks the join server of a JoinEUI; {@code regions} are the enabled regions as the
     * network runs them ({@code network.enabled_regions} with their {@code [[regions]]} channels), in order: a device
     * profile's region must be one of them, and its channels among those the network listens on there;
     * {@code defaults} are the settings of devices whose profile leaves them out; {@code queue} holds the devices'
     * application downlinks, and {@code eventSink} takes the events about them to the applications.
     */
    public record Services(DeviceStore devices, SessionStore sessions, ApplicationStore applications,
                           GatewayStore gateways, Optional<RootKeyProvisioning> rootKeys, DevNonceRegistry devNonces,
                           EventStream events, WebhookAddressPolicy webhookPolicy, NetId netId, Region region,
                           JoinServerDoctor joinServerDoctor, DeviceProfileStore deviceProfiles,
                           Map<String, Region> regions, NetworkDefaults defaults, DownlinkQueue queue,
                           EventSink eventSink) {
        public Services {
            regions = Collections.unmodifiableMap(new LinkedHashMap<>(regions));
        }
    }

    private final Services services;
    private final QueueResource queue;
    private final ApplicationListResource applicationList;
    private final GatewayResource gateways;
    private final DeviceProfileListResource deviceProfileList;
    private final DeviceListResource deviceList;
    private final DeviceStateResource deviceState;

    private RestApi(Services services) {
        this.services = services;
        this.queue = new QueueResource(services);
        this.applicationList = new ApplicationListResource(services.applications());
        this.gateways = new GatewayResource(services.gateways(), services.regions().keySet());
        this.deviceProfileList = new DeviceProfileListResource(services.deviceProfiles());
        this.deviceList = new DeviceListResource(services.devices(), this::describe);
        this.deviceState = new DeviceStateResource(services.devices(), services.sessions(), services.devNonces(),
                services.rootKeys());
    }

    /**
     * Who made an authenticated request, without revealing its key: {@code api-key:} and the ID of a key made through
     * the API, or the first 8 hex digits of the SHA-256 of a configured key (a 32-bit prefix of a hash does not help
     * guess a key). It names the key in audit entries and logs. Available to every route under {@code /api/}.
     */
    public static String caller(RoutingContext ctx) {
        return ApiCaller.of(ctx).name();
    }

    /**
     * The API's routes under {@code /api/v1}, for the admin keys {@code apiKeys}, without the built-in join server (its
     * operations answer 404). With no key every request is refused.
     */
    public static Future<Router> router(Vertx vertx, Services services, List<String> apiKeys) {
        return router(vertx, services, apiKeys, List.of(joinServerOff()));
    }

    /** The built-in join server's operations answered 404, for a server whose {@code internal_js.enabled} is false. */
    public static ApiRoutes joinServerOff() {
        return ApiRoutes.absent(JOIN_SERVER_TAG, "the built-in join server is off (internal_js.enabled = false)");
    }

    /** The API's routes and those of {@code extensions}, which share its authentication, for the admin keys given. */
    public static Future<Router> router(Vertx vertx, Services services, List<String> apiKeys,
                                        List<ApiRoutes> extensions) {
        return router(vertx, services, new ApiAccess(apiKeys, Optional.empty(), new SimpleMeterRegistry()), extensions);
    }

    /**
     * The API's routes, those of the API document ({@link ApiDocument}), answered by the API's handlers and those of
     * {@code extensions}, which share its authentication (who calls) and authorisation (what the caller's scope allows,
     * {@link ScopeCheck}). Fails when the handlers and the document's operations do not match one to one.
     */
    public static Future<Router> router(Vertx vertx, Services services, ApiAccess access, List<ApiRoutes> extensions) {
        return ApiDocument.contract(vertx).map(contract -> {
            ApiOperations operations = new ApiOperations(contract);
            RestApi api = new RestApi(services);
            ApiRefusals refusals = new ApiRefusals(access.registry());
            ApiAuthentication authentication = new ApiAuthentication(access, refusals);
            api.mount(operations, access, authentication);
            extensions.forEach(routes -> routes.mount(operations));
            Router router = Router.router(vertx);
            router.route().handler(RestApi::decodable);
            operations.publicOperations().forEach(operation -> router.route(operation.getHttpMethod(),
                    operation.getOpenAPIPath().replaceAll("\\{([^}]*)}", ":$1")).handler(operations.handler(operation)));
            router.route("/api/*").handler(authentication::handle);
            router.route("/api/*").handler(RestApi::noFormBody);
            router.route("/api/*").handler(BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES));
            router.route("/api/*").handler(new ScopeCheck(services.devices(), refusals)::handle);
            router.route("/*").subRouter(operations.router(vertx));
            router.route("/api/*").last().handler(ctx -> error(ctx, 404, "no such resource: "
                    + ctx.request().method() + " " + ctx.request().path()));
            router.errorHandler(413, ctx -> error(ctx, 413, "the body is over " + MAX_BODY_BYTES + " bytes"));
            router.errorHandler(400, RestApi::badRequest);
            router.errorHandler(500, ctx -> failed(ctx, Objects.requireNonNullElseGet(ctx.failure(),
                    () -> new IllegalStateException("a route failed without a cause"))));
            return router;
        });
    }

    /** Attaches the API's handlers to the document's operations; the join server's come from its adapter. */
    private void mount(ApiOperations operations, ApiAccess access, ApiAuthentication authentication) {
        operations.handle("getOpenApiDocument", ctx -> ctx.response().putHeader("Content-Type", "application/json")
                .end(ApiDocument.text()));
        Optional<ApiKeyResource> keys = access.storedKeys().map(ApiKeyResource::new);
        operations.handle("createApiKey", ctx -> keys.ifPresentOrElse(resource -> respond(ctx, 201,
                c -> resource.create(caller(c), body(c))), () -> noStoredKeys(ctx)));
        operations.handle("listApiKeys", ctx -> keys.ifPresentOrElse(resource -> respond(ctx,
                c -> resource.list()), () -> noStoredKeys(ctx)));
        operations.handle("revokeApiKey", ctx -> keys.ifPresentOrElse(resource -> respond(ctx,
                c -> resource.revoke(caller(c), c.pathParam("id"))), () -> noStoredKeys(ctx)));
        operations.handle("putApplication", ctx -> respond(ctx, this::putApplication));
        operations.handle("getApplication", ctx -> respond(ctx, this::getApplication));
        operations.handle("listApplications", ctx -> respond(ctx, applicationList::list));
        operations.handle("listGateways", ctx -> respond(ctx, gateways::list));
        operations.handle("putGateway", ctx -> respond(ctx, gateways::put));
        operations.handle("deleteGateway", ctx -> respond(ctx, this::deleteGateway));
        operations.handle("listDeviceProfiles", ctx -> respond(ctx, deviceProfileList::list));
        operations.handle("putDeviceProfile", ctx -> respond(ctx, this::putDeviceProfile));
        operations.handle("getDeviceProfile", ctx -> respond(ctx, this::getDeviceProfile));
        operations.handle("deleteDeviceProfile", ctx -> respond(ctx, this::deleteDeviceProfile));
        operations.handle("putDevice", ctx -> respond(ctx, this::putDevice));
        operations.handle("listDevices", ctx -> respond(ctx, deviceList::list));
        operations.handle("getDevice", ctx -> respond(ctx, this::getDevice));
        operations.handle("getDeviceState", ctx -> respond(ctx, deviceState::get));
        operations.handle("deleteDevice", ctx -> respond(ctx, this::deleteDevice));
        operations.handle("resetDevNonces", ctx -> respond(ctx, this::resetDevNonces));
        operations.handle("forceRejoin", ctx -> respond(ctx, this::forceRejoin));
        operations.handle("enqueueDownlink", ctx -> respond(ctx, 201, c -> queue.enqueue(devEui(c), body(c))));
        operations.handle("listQueue", ctx -> respond(ctx, c -> queue.list(devEui(c))));
        operations.handle("flushQueue", ctx -> respond(ctx, c -> queue.flush(devEui(c))));
        operations.handle("checkJoinServer", ctx -> respond(ctx, this::checkJoinServer));
        operations.handle("streamEvents", ctx -> events(ctx, authentication));
    }

    /**
     * Refuses a path or query that is not valid percent-encoding ({@code %zz}): the router cannot match such a path, and
     * would fail on every route with one; the query's parameters could not be read.
     */
    private static void decodable(RoutingContext ctx) {
        try {
            ctx.normalizedPath();
            ctx.request().params();
        } catch (IllegalArgumentException e) {
            error(ctx, 400, "the path or query is not valid percent-encoding (RFC 3986)");
            return;
        }
        ctx.next();
    }

    /**
     * Refuses a form or multipart body before it is read: the body handler would decode it as form attributes, and a
     * malformed escape there fails the request as no other route can answer. The API takes JSON (and CSV manifests).
     */
    private static void noFormBody(RoutingContext ctx) {
        String type = ctx.request().getHeader("Content-Type");
        String media = type == null ? "" : type.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        if (media.equals("application/x-www-form-urlencoded") || media.startsWith("multipart/")) {
            error(ctx, 415, "Content-Type: must be application/json, got " + media);
            return;
        }
        ctx.next();
    }

    private static void noStoredKeys(RoutingContext ctx) {
        error(ctx, 404, "this API keeps no API keys of its own: only the configured api.api_keys");
    }

    private Future<JsonObject> putApplication(RoutingContext ctx) {
        JsonObject body = body(ctx);
        Map<String, String> headers = new LinkedHashMap<>();
        JsonObject given = optionalObject(body, "webhook_headers").orElse(new JsonObject());
        given.forEach(e -> headers.put(e.getKey(), String.valueOf(e.getValue())));
        String url = optionalString(body, "webhook_url");
        Application application = valid(() -> new Application(ctx.pathParam("id"),
                url == null || url.isEmpty() ? Optional.empty() : Optional.of(URI.create(url)), headers));
        application.webhookUrl().ifPresent(webhook -> valid(() -> {
            services.webhookPolicy().checkUrl(webhook);
            return webhook;
        }));
        return services.applications().put(application).map(v -> application.toJson());
    }

    private Future<JsonObject> getApplication(RoutingContext ctx) {
        return services.applications().get(ctx.pathParam("id")).map(found -> found
                .orElseThrow(() -> new ApiException(404, "no application " + ctx.pathParam("id"))).toJson());
    }

    private Future<JsonObject> deleteGateway(RoutingContext ctx) {
        Eui64 eui = valid(() -> Eui64.parse(ctx.pathParam("eui")));
        return services.gateways().remove(eui).map(existed -> {
            if (!existed) {
                throw new ApiException(404, "gateway " + eui + " is not registered through the API");
            }
            return new JsonObject().put("deleted", eui.toString());
        });
    }

    /**
     * Creates or replaces a device profile. Its region must be one the network serves; devices that hold it follow
     * the new settings from their next frame, but it keeps its MAC version while they hold it (409).
     */
    private Future<JsonObject> putDeviceProfile(RoutingContext ctx) {
        String id = valid(() -> DeviceProfile.checkId(ctx.pathParam("id")));
        DeviceProfile profile = valid(() -> DeviceProfile.fromJson(id, body(ctx)));
        Region served = services.regions().get(profile.regionId());
        if (served == null) {
            throw new ApiException(400, "region: '" + profile.regionId() + "' is not among network.enabled_regions "
                    + services.regions().keySet());
        }
        valid(() -> {
            profile.checkHeardBy(served);
            return profile;
        });
        return services.deviceProfiles().put(profile).map(created -> profile.toJson());
    }

    private Future<JsonObject> getDeviceProfile(RoutingContext ctx) {
        String id = valid(() -> DeviceProfile.checkId(ctx.pathParam("id")));
        return services.deviceProfiles().get(id).map(found -> found
                .orElseThrow(() -> new ApiException(404, "no device profile " + id)).toJson());
    }

    /** Deletes a device profile that no device holds (409 while one does). */
    private Future<JsonObject> deleteDeviceProfile(RoutingContext ctx) {
        String id = valid(() -> DeviceProfile.checkId(ctx.pathParam("id")));
        return services.deviceProfiles().delete(id).map(existed -> {
            if (!existed) {
                throw new ApiException(404, "no device profile " + id);
            }
            return new JsonObject().put("deleted", id);
        });
    }

    /**
     * Creates or replaces a device: OTAA with {@code join_eui} (and root keys for the internal join server, with the
     * device's home network: {@code home_net_id}, default ours, and optional {@code home_ns_id}; and the AS-ID of its
     * application server, {@code as_id}, the only one whose AppSKeyReq the join server answers), or ABP with an
     * {@code abp} session. Root keys are stored encrypted by the join server and never returned. With a
     * {@code device_profile_id}, {@code mac_version} may be left out: it is the profile's.
     */
    private Future<JsonObject> putDevice(RoutingContext ctx) {
        Eui64 devEui = valid(() -> Eui64.parse(ctx.pathParam("devEui")));
        JsonObject body = body(ctx);
        Object profileField = body.getValue("device_profile_id");
        if (profileField == null) {
            return putDevice(devEui, body, Optional.empty());
        }
        if (!(profileField instanceof String profileText)) {
            throw new ApiException(400, "device_profile_id: must be a string");
        }
        String profileId = valid(() -> DeviceProfile.checkId(profileText));
        return services.deviceProfiles().get(profileId).compose(profile -> {
            if (profile.isEmpty()) {
                throw new ApiException(400, "device_profile_id: no device profile '" + profileId + "'; create it "
                        + "first");
            }
            return putDevice(devEui, body, profile);
        });
    }

    private Future<JsonObject> putDevice(Eui64 devEui, JsonObject body, Optional<DeviceProfile> profile) {
        String applicationId = requiredString(body, "application_id");
        MacVersion version = macVersion(body, profile);
        String joinEuiText = optionalString(body, "join_eui");
        JsonObject abp = optionalObject(body, "abp").orElse(null);
        if ((joinEuiText == null) == (abp == null)) {
            throw new ApiException(400, "give either join_eui (OTAA) or abp (a session), not both or neither");
        }
        Optional<Eui64> joinEui = joinEuiText == null ? Optional.empty()
                : Optional.of(valid(() -> Eui64.parse(joinEuiText)));
        Device device = new Device(devEui, joinEui, version, applicationId, optionalBoolean(body, "relax_fcnt"),
                profile.map(DeviceProfile::id));
        Optional<RootKeys> rootKeys = joinEui.isPresent() ? rootKeys(body, joinEui.get(), version) : Optional.empty();
        Optional<DeviceSession> session = abp == null ? Optional.empty() : Optional.of(abpSession(abp, version));
        long fCntUp = abp == null ? -1 : optionalLong(abp, "f_cnt_up", -1);
        long nFCntDown = abp == null ? 0 : optionalLong(abp, "n_f_cnt_down", 0);
        if (rootKeys.isPresent() && services.rootKeys().isEmpty()) {
            throw new ApiException(400, "the internal join server is disabled, so it cannot hold root keys");
        }
        return services.applications().get(applicationId).compose(application -> {
            if (application.isEmpty()) {
                throw new ApiException(400, "no application " + applicationId + "; create it first");
            }
            Future<Void> keysStored = rootKeys.isPresent()
                    ? services.rootKeys().get().setRootKeys(devEui, rootKeys.get()) : Future.succeededFuture();
            return keysStored.compose(v -> services.devices().put(device));
        }).compose(v -> session.isPresent()
                ? services.sessions().setActive(devEui, session.get(), fCntUp, nFCntDown)
                : Future.succeededFuture()).compose(v -> describe(device));
    }

    /** The device's MAC version: the one given, which must be its profile's, or else its profile's. */
    private static MacVersion macVersion(JsonObject body, Optional<DeviceProfile> profile) {
        if (profile.isPresent() && body.getValue("mac_version") == null) {
            return profile.get().macVersion();
        }
        MacVersion given = valid(() -> MacVersion.parse(requiredString(body, "mac_version")));
        if (profile.isPresent() && given != profile.get().macVersion()) {
            throw new ApiException(400, "mac_version: " + given + " is not the LoRaWAN version of device profile '"
                    + profile.get().id() + "', " + profile.get().macVersion());
        }
        return given;
    }

    private Optional<RootKeys> rootKeys(JsonObject body, Eui64 joinEui, MacVersion version) {
        String appKey = optionalString(body, "app_key");
        String nwkKey = optionalString(body, "nwk_key");
        if (appKey == null && nwkKey == null) {
            return Optional.empty();
        }
        if (appKey == null) {
            throw new ApiException(400, "app_key is required with nwk_key");
        }
        if (version != MacVersion.LORAWAN_1_1_0 && nwkKey != null) {
            throw new ApiException(400, "nwk_key is for LoRaWAN 1.1 devices; a " + version + " device has an app_key only");
        }
        String homeNetId = optionalString(body, "home_net_id");
        String homeNsId = optionalString(body, "home_ns_id");
        String asId = optionalString(body, "as_id");
        return Optional.of(valid(() -> new RootKeys(joinEui, version, AesKey.parse(appKey, "app_key"),
                nwkKey == null ? Optional.empty() : Optional.of(AesKey.parse(nwkKey, "nwk_key")),
                homeNetId == null ? services.netId() : NetId.parse(homeNetId),
                homeNsId == null || homeNsId.isEmpty() ? Optional.empty() : Optional.of(homeNsId),
                asId == null || asId.isEmpty() ? Optional.empty() : Optional.of(asId))));
    }

    /** An ABP session: {@code nwk_s_key} for 1.0.x, or the three 1.1 network keys; {@code app_s_key}. */
    private DeviceSession abpSession(JsonObject abp, MacVersion version) {
        DevAddr devAddr = valid(() -> DevAddr.parse(requiredString(abp, "dev_addr")));
        AesKey appSKey = valid(() -> AesKey.parse(requiredString(abp, "app_s_key"), "app_s_key"));
        boolean lorawan11 = version == MacVersion.LORAWAN_1_1_0;
        AesKey fNwk;
        AesKey sNwk;
        AesKey enc;
        if (lorawan11) {
            fNwk = valid(() -> AesKey.parse(requiredString(abp, "f_nwk_s_int_key"), "f_nwk_s_int_key"));
            sNwk = valid(() -> AesKey.parse(requiredString(abp, "s_nwk_s_int_key"), "s_nwk_s_int_key"));
            enc = valid(() -> AesKey.parse(requiredString(abp, "nwk_s_enc_key"), "nwk_s_enc_key"));
        } else {
            fNwk = valid(() -> AesKey.parse(requiredString(abp, "nwk_s_key"), "nwk_s_key"));
            sNwk = fNwk;
            enc = fNwk;
        }
        Region region = services.region();
        return new DeviceSession(UUID.randomUUID().toString(), devAddr, lorawan11, fNwk, sNwk, enc,
                Optional.of(appSKey), Optional.empty(), 0, region.rx2DataRate(), 1);
    }

    private Future<JsonObject> getDevice(RoutingContext ctx) {
        Eui64 devEui = valid(() -> Eui64.parse(ctx.pathParam("devEui")));
        return services.devices().get(devEui).compose(found -> describe(found
                .orElseThrow(() -> new ApiException(404, "no device " + devEui))));
    }

    /**
     * The MAC settings the device confirmed (LoRaWAN 1.0.4 section 5), the requests that wait for its answer, its
     * last status report (DevStatusAns: battery 0 for external power, 1-254, 255 unknown; margin in dB), and its Class
     * B settings when it announced or confirmed any (ping-slot frequency 0: the region's default).
     */
    private static JsonObject macState(MacState state) {
        JsonObject json = new JsonObject().put("tx_power_index", state.txPowerIndex()).put("nb_trans", state.nbTrans())
                .put("enabled_channels", new JsonArray(List.copyOf(state.channels())))
                .put("rx1_delay", state.rx().rx1Delay()).put("rx1_dr_offset", state.rx().rx1DrOffset())
                .put("rx2_dr", state.rx().rx2DataRate()).put("rx2_frequency", state.rx().rx2Frequency())
                .put("max_duty_cycle", state.maxDutyCycle());
        if (state.dataRate() >= 0) {
            json.put("dr", state.dataRate());
        }
        JsonArray pending = new JsonArray();
        state.pending().forEach(request -> pending.add(request.getClass().getSimpleName()));
        json.put("pending_requests", pending);
        state.status().ifPresent(status -> json.put("device_status", new JsonObject()
                .put("battery", status.battery()).put("margin", status.margin()).put("time", status.at().toString())));
        if (state.classB()) {
            json.put("class_b", true);
        }
        state.pingSlotPeriodicity().ifPresent(p -> json.put("ping_slot_periodicity", p));
        state.pingSlotChannel().ifPresent(channel -> json.put("ping_slot_frequency", channel.frequencyHz())
                .put("ping_slot_dr", channel.dataRate()));
        state.beaconFrequency().ifPresent(hz -> json.put("beacon_frequency", hz));
        return json;
    }

    /**
     * The device as the API shows it: settings and session state, never a key. The sessions are read without opening
     * their keys (a page of the device list describes up to a thousand devices), and one whose record is unreadable
     * is left out rather than failing the answer.
     */
    private Future<JsonObject> describe(Device device) {
        Future<Boolean> hasKeys = services.rootKeys().isPresent() && device.otaa()
                ? services.rootKeys().get().hasRootKeys(device.devEui()) : Future.succeededFuture(false);
        Future<List<SessionAddress>> sessions = services.sessions().addresses(device.devEui());
        Future<Optional<MacState>> mac = services.sessions().macState(device.devEui());
        return Future.all(hasKeys, sessions, mac).map(all -> {
            JsonObject json = new JsonObject().put("dev_eui", device.devEui().toString())
                    .put("mac_version", device.macVersion().toString()).put("application_id", device.applicationId())
                    .put("relax_fcnt", device.relaxFCnt()).put("activation", device.otaa() ? "otaa" : "abp");
            device.deviceProfileId().ifPresent(id -> json.put("device_profile_id", id));
            device.joinEui().ifPresent(eui -> json.put("join_eui", eui.toString())
                    .put("root_keys_in_internal_js", hasKeys.result()));
            for (SessionAddress address : sessions.result()) {
                JsonObject session = new JsonObject().put("dev_addr", address.devAddr().toString());
                if (!address.pending()) {
                    session.put("last_f_cnt_up", address.lastFCntUp());
                }
                json.put(address.pending() ? "pending_session" : "session", session);
            }
            mac.result().ifPresent(state -> json.put("mac_state", macState(state)));
            return json;
        });
    }

    /**
     * Deletes the device: its root keys (unless they are its owner's, in the join server's life cycle), sessions,
     * downlink queue (its items are dropped without events: the application deleted the device) and record.
     */
    private Future<JsonObject> deleteDevice(RoutingContext ctx) {
        Eui64 devEui = valid(() -> Eui64.parse(ctx.pathParam("devEui")));
        Future<Boolean> keys = services.rootKeys().map(p -> p.deleteRootKeys(devEui)).orElse(Future.succeededFuture(false));
        return keys.compose(v -> services.sessions().delete(devEui))
                .compose(v -> services.queue().delete(devEui))
                .compose(v -> services.devices().delete(devEui)).map(existed -> {
                    if (!existed) {
                        throw new ApiException(404, "no device " + devEui);
                    }
                    return new JsonObject().put("deleted", devEui.toString());
                });
    }

    private Future<JsonObject> resetDevNonces(RoutingContext ctx) {
        Eui64 devEui = valid(() -> Eui64.parse(ctx.pathParam("devEui")));
        return services.devices().get(devEui).compose(found -> {
            Device device = found.orElseThrow(() -> new ApiException(404, "no device " + devEui));
            Eui64 joinEui = device.joinEui().orElseThrow(() -> new ApiException(400, devEui + " is an ABP device"));
            Future<Boolean> reset = services.rootKeys().map(p -> p.resetDevNonces(devEui, joinEui))
                    .orElseGet(() -> services.devNonces().reset(devEui, joinEui).map(true));
            return reset.map(done -> {
                if (!done) {
                    throw new ApiException(409, "DevEUI " + devEui + " has an owner in the built-in join server "
                            + "(a claim record): its DevNonce history is its owner's replay protection, not this "
                            + "network's to reset");
                }
                return new JsonObject().put("dev_nonces_reset", devEui.toString());
            });
        });
    }

    /**
     * Asks a LoRaWAN 1.1 device for a rejoin-request (ForceRejoinReq, section 5.13) with its next uplink's answer:
     * {@code rejoin_type} 2 (default: new DevAddr and keys, radio settings kept) or 0 (everything reset).
     */
    private Future<JsonObject> forceRejoin(RoutingContext ctx) {
        Eui64 devEui = valid(() -> Eui64.parse(ctx.pathParam("devEui")));
        JsonObject body = ctx.body().length() <= 0 ? new JsonObject() : body(ctx);
        Object type = body.getValue("rejoin_type", 2);
        if (!(type instanceof Integer rejoinType) || (rejoinType != 0 && rejoinType != 2)) {
            throw new ApiException(400, "rejoin_type must be 0 or 2 (a device asked for type 1 sends type 0)");
        }
        return services.devices().get(devEui).compose(found -> {
            Device device = found.orElseThrow(() -> new ApiException(404, "no device " + devEui));
            if (!device.otaa() || device.macVersion() != MacVersion.LORAWAN_1_1_0) {
                throw new ApiException(409, devEui + " is not a LoRaWAN 1.1 OTAA device: it cannot rejoin");
            }
            return services.sessions().forceRejoin(devEui, rejoinType).map(asked -> {
                if (!asked) {
                    throw new ApiException(409, devEui + " has no active session to send the request in");
                }
                return new JsonObject().put("dev_eui", devEui.toString()).put("rejoin_type", rejoinType)
                        .put("queued", true);
            });
        });
    }

    /**
     * What a join-request of the JoinEUI would meet, step by step (see {@link JoinServerDoctor}); with
     * {@code dev_eui}, the join server is asked about that device. 200 whatever the verdict, which is
     * {@code join_would_work}.
     */
    private Future<JsonObject> checkJoinServer(RoutingContext ctx) {
        Eui64 joinEui = valid(() -> Eui64.parse(ctx.pathParam("joinEui")));
        String devEuiText = ctx.queryParams().get("dev_eui");
        Optional<Eui64> devEui = devEuiText == null || devEuiText.isEmpty() ? Optional.empty()
                : Optional.of(valid(() -> Eui64.parse(devEuiText)));
        return services.joinServerDoctor().check(joinEui, devEui).map(JoinServerDoctor.Report::toJson);
    }

    /**
     * The event stream: a key of an application's scope gets that application's events only, and the stream ends
     * once the key that opened it no longer authenticates (revoked or deleted).
     */
    private void events(RoutingContext ctx, ApiAuthentication authentication) {
        String presented = ctx.request().getHeader("Authorization").substring("Bearer ".length());
        services.events().subscribe(ctx.response(), ApiCaller.of(ctx).scope().applicationId()
                .or(() -> Optional.ofNullable(ctx.queryParams().get("application_id"))),
                () -> authentication.stillValid(presented));
    }

    private void respond(RoutingContext ctx, Function<RoutingContext, Future<JsonObject>> handler) {
        respond(ctx, 200, handler);
    }

    private void respond(RoutingContext ctx, int status, Function<RoutingContext, Future<JsonObject>> handler) {
        respond(ctx, status, () -> handler.apply(ctx));
    }

    /**
     * Answers with {@code status} and the handler's JSON, or with the error it failed with: an {@link ApiException}'s
     * status and message, 503 when Redis is unreachable, 500 (logged, not shown) for anything unexpected. For the
     * routes of {@link ApiRoutes} too.
     */
    public static void respond(RoutingContext ctx, int status, Supplier<Future<JsonObject>> handler) {
        Future<JsonObject> result;
        try {
            result = handler.get();
        } catch (RuntimeException e) {
            result = Future.failedFuture(e);
        }
        result.onComplete(done -> {
            if (done.succeeded()) {
                ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json")
                        .end(done.result().encode());
            } else if (done.cause() instanceof ApiException refused) {
                error(ctx, refused.status(), refused.getMessage());
            } else if (done.cause() instanceof ProfileReferenceException refused) {
                error(ctx, 400, refused.getMessage());
            } else if (done.cause() instanceof DeviceProfileInUseException inUse) {
                error(ctx, 409, inUse.getMessage());
            } else if (done.cause() instanceof QueueFullException full) {
                error(ctx, 409, full.getMessage());
            } else if (done.cause() instanceof RootKeysOwnedException owned) {
                error(ctx, 409, owned.getMessage());
            } else {
                failed(ctx, done.cause());
            }
        });
    }

    /**
     * Answers a request that failed unexpectedly: Vert.x's refusal of the request ({@link HttpException}, such as a
     * malformed percent-escape in the query) with its status, 503 while Redis is unavailable, else 500 (and a log line).
     */
    static void failed(RoutingContext ctx, Throwable cause) {
        if (cause instanceof HttpException refused) {
            error(ctx, refused.getStatusCode(), refusal(ctx, refused));
        } else if (cause instanceof RedisFailure failure && failure.kind() != RedisFailure.Kind.ERROR_REPLY) {
            ctx.response().putHeader("Retry-After", "1");
            error(ctx, 503, "the server's store (Redis) is unavailable: " + failure.getMessage());
        } else {
            LOG.warn("API {} {} failed: {}", ctx.request().method(), ctx.request().path(), cause.toString());
            error(ctx, 500, "internal error; see the server log");
        }
    }

    /** Answers a request a handler before the routes failed with 400 (the scope check reading a malformed query). */
    private static void badRequest(RoutingContext ctx) {
        error(ctx, 400, ctx.failure() instanceof HttpException refused ? refusal(ctx, refused) : "bad request");
    }

    /**
     * What Vert.x refused, named: a malformed query (the refusal its routing context makes when reading the query)
     * with the decoder's reason, such as an invalid escape.
     */
    private static String refusal(RoutingContext ctx, HttpException refused) {
        String query = ctx.request().query();
        String reason = refused.getCause() != null ? refused.getCause().getMessage()
                : Objects.requireNonNullElse(refused.getPayload(), "bad request");
        return query != null && refused.getStatusCode() == 400 ? "the query '" + query + "' is malformed: " + reason
                : reason;
    }

    private static Eui64 devEui(RoutingContext ctx) {
        return valid(() -> Eui64.parse(ctx.pathParam("devEui")));
    }

    /** Answers {@code {"error": message}} with {@code status}. */
    public static void error(RoutingContext ctx, int status, String message) {
        ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json")
                .end(new JsonObject().put("error", message).encode());
    }

    private static Optional<JsonObject> optionalObject(JsonObject json, String field) {
        Object value = json.getValue(field);
        if (value != null && !(value instanceof JsonObject)) {
            throw new ApiException(400, field + ": must be a JSON object");
        }
        return Optional.ofNullable((JsonObject) value);
    }

    /** A flag that is false when absent. */
    private static boolean optionalBoolean(JsonObject json, String field) {
        Object value = json.getValue(field);
        if (value != null && !(value instanceof Boolean)) {
            throw new ApiException(400, field + ": must be true or false");
        }
        return Boolean.TRUE.equals(value);
    }

    private static long optionalLong(JsonObject json, String field, long absent) {
        Object value = json.getValue(field);
        if (value == null) {
            return absent;
        }
        if (!(value instanceof Integer || value instanceof Long)) {
            throw new ApiException(400, field + ": must be a whole number");
        }
        return ((Number) value).longValue();
    }

    private static <T> T valid(Supplier<T> parse) {
        try {
            return parse.get();
        } catch (IllegalArgumentException e) {
            throw new ApiException(400, e.getMessage());
        }
    }
}
