package net.lorawanns.core.api;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import net.lorawanns.core.device.DeviceProfile;
import net.lorawanns.core.device.DeviceProfileStore;
import net.lorawanns.core.device.Page;

/**
 * {@code GET /api/v1/device-profiles}: the device profiles in ID order, paginated ({@link PageQuery}). Profiles are
 * few (one hash, read whole); the page is cut from it. Runs on the API server's event loop.
 */
final class DeviceProfileListResource {
    private final DeviceProfileStore profiles;

    DeviceProfileListResource(DeviceProfileStore profiles) {
        this.profiles = profiles;
    }

    Future<JsonObject> list(RoutingContext ctx) {
        PageQuery<String> query = PageQuery.of(ctx, DeviceProfile::checkId);
        return profiles.all().map(all -> PageQuery.answer("device_profiles",
                Page.of(all, DeviceProfile::id, query.after(), query.limit()), DeviceProfile::toJson));
    }
}
