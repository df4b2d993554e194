package net.lorawanns.core.api;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Optional;
import net.lorawanns.core.device.Application;
import net.lorawanns.core.device.ApplicationStore;

/**
 * {@code GET /api/v1/applications}: the applications in ID order, paginated ({@link PageQuery}). A key of an
 * application's scope sees its own application only. Runs on the API server's event loop.
 */
final class ApplicationListResource {
    private final ApplicationStore applications;

    ApplicationListResource(ApplicationStore applications) {
        this.applications = applications;
    }

    Future<JsonObject> list(RoutingContext ctx) {
        PageQuery<String> query = PageQuery.of(ctx, Application::checkId);
        Optional<String> own = ApiCaller.of(ctx).scope().applicationId();
        if (own.isPresent()) {
            boolean onPage = query.after().map(after -> own.get().compareTo(after) > 0).orElse(true);
            return applications.get(own.get()).map(found -> PageQuery.answer("applications",
                    found.filter(application -> onPage).map(application -> List.of(application.toJson()))
                            .orElse(List.of()), Optional.<String>empty()));
        }
        return applications.page(query.after(), query.limit())
                .map(page -> PageQuery.answer("applications", page, Application::toJson));
    }
}
