package net.lorawanns.core.api;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.function.Function;
import net.lorawanns.core.device.Application;
import net.lorawanns.core.device.Device;
import net.lorawanns.core.device.DeviceStore;
import net.lorawanns.core.types.Eui64;

/**
 * {@code GET /api/v1/devices?application_id=ID}: the application's devices in DevEUI order, paginated
 * ({@link PageQuery}), each as {@code GET /api/v1/devices/:devEui} shows it. Read from the index of devices by
 * application, never by a SCAN. Runs on the API server's event loop.
 */
final class DeviceListResource {
    private final DeviceStore devices;
    private final Function<Device, Future<JsonObject>> describe;

    /** @param describe a device as the API shows it */
    DeviceListResource(DeviceStore devices, Function<Device, Future<JsonObject>> describe) {
        this.devices = devices;
        this.describe = describe;
    }

    Future<JsonObject> list(RoutingContext ctx) {
        String applicationId = ctx.queryParams().get("application_id");
        if (applicationId == null || applicationId.isEmpty()) {
            throw new ApiException(400, "application_id is required (the devices of one application are listed)");
        }
        try {
            Application.checkId(applicationId);
        } catch (IllegalArgumentException e) {
            throw new ApiException(400, "application_id: " + e.getMessage());
        }
        PageQuery<Eui64> query = PageQuery.of(ctx, Eui64::parse);
        return devices.page(applicationId, query.after(), query.limit()).compose(page -> {
            List<Future<JsonObject>> described = page.items().stream().map(describe).toList();
            return Future.all(described).map(all -> PageQuery.answer("devices",
                    described.stream().map(Future::result).toList(), page.next()));
        });
    }
}
