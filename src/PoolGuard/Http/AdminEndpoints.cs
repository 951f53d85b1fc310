using PoolGuard.Gateway.Hosting;
using PoolGuard.Monitoring.Alerts;
using PoolGuard.Monitoring.Watcher;

namespace PoolGuard.Http;

/// <summary>The routes: /healthz and /readyz open for probes; /metrics and /api/* behind admin_http_token when set.</summary>
internal static class AdminEndpoints
{
    public static void Map(WebApplication app, GatewayServer gateway, MetricsExposition metrics, ReadinessProbe readiness, DatabaseWatcher watcher, AlertEvaluator alerts)
    {
        app.MapGet("/healthz", () => Results.Text("ok\n", "text/plain; charset=utf-8"));
        app.MapGet("/readyz", async (CancellationToken cancellationToken) =>
        {
            var result = await readiness.CheckAsync(cancellationToken).ConfigureAwait(false);
            return Results.Json(result, AdminJsonContext.Api.ReadinessDocument, statusCode: result.Ready ? 200 : 503);
        });

        var guarded = app.MapGroup("").AddEndpointFilter(async (context, next) =>
            BearerToken.Allows(context.HttpContext.Request, gateway.Config.AdminHttpToken)
                ? await next(context).ConfigureAwait(false)
                : Unauthorized(context.HttpContext));

        guarded.MapGet("/metrics", () => Results.Text(metrics.Text(), PrometheusText.ContentType));
        guarded.MapGet("/api/pools", () => Results.Json(ApiViews.Pools(gateway), AdminJsonContext.Api.IReadOnlyListPoolDocument));
        guarded.MapGet("/api/clients", () => Results.Json(ApiViews.Clients(gateway), AdminJsonContext.Api.IReadOnlyListClientDocument));
        guarded.MapGet("/api/servers", () => Results.Json(ApiViews.Servers(gateway), AdminJsonContext.Api.IReadOnlyListServerDocument));
        guarded.MapGet("/api/stats", () => Results.Json(ApiViews.Stats(gateway), AdminJsonContext.Api.IReadOnlyListStatsDocument));
        guarded.MapGet("/api/events", (long? since) => Results.Json(ApiViews.Events(gateway, since ?? 0), AdminJsonContext.Api.EventPage));
        guarded.MapGet("/api/databases", () => Results.Json(DatabaseViews.List(watcher.Snapshot), AdminJsonContext.Api.DatabaseList));
        guarded.MapGet("/api/databases/{name}", (string name) => DatabaseViews.One(watcher, name) is { } found
            ? Results.Json(found, AdminJsonContext.Api.DatabaseDetail)
            : Results.Json(new ControlDocument("database", name, false, $"database {name} is not watched", watcher.Snapshot.NotWatched),
                AdminJsonContext.Api.ControlDocument, statusCode: 404));
        guarded.MapGet("/api/alerts", () => Results.Json(AlertViews.Document(alerts.Snapshot), AdminJsonContext.Api.AlertList));
        DiagnosisEndpoints.Map(guarded, gateway, watcher);
        ControlEndpoints.Map(guarded, gateway);
    }

    private static IResult Unauthorized(HttpContext context)
    {
        // RFC 6750: say which scheme is wanted; never echo what was sent.
        context.Response.Headers.WWWAuthenticate = "Bearer realm=\"poolguard\"";
        return Results.Text("unauthorized: send Authorization: Bearer <admin_http_token>\n", "text/plain; charset=utf-8", statusCode: 401);
    }
}
