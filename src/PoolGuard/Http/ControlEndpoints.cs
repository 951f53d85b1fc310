using PoolGuard.Gateway.Control;
using PoolGuard.Gateway.Hosting;
using PoolGuard.Protocol.Errors;

namespace PoolGuard.Http;

/// <summary>
/// POST /api/control/{action}: the admin console's PAUSE, RESUME, DISABLE, ENABLE, KILL, KILL_CLIENT,
/// RECONNECT, RELOAD and SET over HTTP, through the same <see cref="GatewayControl"/> (so each publishes its
/// event, naming "admin HTTP" and the caller's address). Reading is open without a token on loopback;
/// acting is not: with no admin_http_token set these answer 403, since anyone who can reach the port
/// could otherwise pause the database.
/// </summary>
internal static class ControlEndpoints
{
    public static void Map(RouteGroupBuilder guarded, GatewayServer gateway)
    {
        var control = gateway.Control;
        guarded.MapPost("/api/control/pause", (HttpContext http, string? database) => Act(http, gateway, "pause", database, by => control.Pause(database, by)));
        guarded.MapPost("/api/control/resume", (HttpContext http, string? database) => Act(http, gateway, "resume", database, by => control.Resume(database, by)));
        guarded.MapPost("/api/control/disable", (HttpContext http, string? database) => Act(http, gateway, "disable", database, by => control.Disable(database ?? "", by)));
        guarded.MapPost("/api/control/enable", (HttpContext http, string? database) => Act(http, gateway, "enable", database, by => control.Enable(database ?? "", by)));
        guarded.MapPost("/api/control/kill", (HttpContext http, string? database) =>
            Act(http, gateway, "kill", database, by => $"{control.Kill(database, by)} client(s) disconnected"));
        guarded.MapPost("/api/control/kill-client", (HttpContext http, long id) => Act(http, gateway, "kill-client", null, by => control.KillClient(id, by)));
        guarded.MapPost("/api/control/reconnect", (HttpContext http, string? database) =>
            Act(http, gateway, "reconnect", database, by => $"{control.Reconnect(database, by)} server(s) to be replaced"));
        guarded.MapPost("/api/control/reload", () => Applied(gateway, "reload", "", control.Reload));
        // SET over HTTP: `loadtest --sweep-pool-size` turns default_pool_size step by step, as an operator would at the console.
        // The answer names the key, never the value: what is set may be something not to echo.
        guarded.MapPost("/api/control/set", (string? key, string? value) => Applied(gateway, "set", $"{key}: ", () => key is null || value is null
            ? throw new GatewayControlException(PgError.Error(SqlState.SyntaxError, "set needs ?key=NAME&value=VALUE", "a pgbouncer.ini name, e.g. key=default_pool_size&value=8"))
            : control.Set(key, value)));
    }

    /// <summary>A reload or a SET: 200 with the changes in force, 422 with the problems when refused (the previous configuration stays).</summary>
    private static IResult Applied(GatewayServer gateway, string action, string prefix, Func<ReloadOutcome> apply)
    {
        if (Refuse(gateway) is { } refused)
        {
            return refused;
        }
        ReloadOutcome outcome;
        try
        {
            outcome = apply();
        }
        catch (GatewayControlException ex)
        {
            return Results.Json(new ControlDocument(action, null, false, prefix + ex.Error.Message, ex.Error.Hint is { } hint ? [hint] : []),
                AdminJsonContext.Api.ControlDocument, statusCode: 400);
        }
        return Results.Json(new ControlDocument(action, null, outcome.Applied,
                prefix + (outcome.Applied ? $"{outcome.Changes.Count} change(s) in force" : "refused; the previous configuration stays in force"),
                outcome.Applied ? outcome.Changes : outcome.Problems),
            AdminJsonContext.Api.ControlDocument, statusCode: outcome.Applied ? 200 : 422);
    }

    private static IResult Act(HttpContext http, GatewayServer gateway, string action, string? database, Action<string> act) =>
        Act(http, gateway, action, database, by =>
        {
            act(by);
            return "done";
        });

    private static IResult Act(HttpContext http, GatewayServer gateway, string action, string? database, Func<string, string> act)
    {
        if (Refuse(gateway) is { } refused)
        {
            return refused;
        }
        var by = $"admin HTTP ({http.Connection.RemoteIpAddress}:{http.Connection.RemotePort})";
        try
        {
            var detail = act(by);
            return Results.Json(new ControlDocument(action, database, true, detail, []), AdminJsonContext.Api.ControlDocument);
        }
        catch (GatewayControlException ex)
        {
            var status = ex.Error.Code is SqlState.InvalidCatalogName or SqlState.UndefinedObject ? 404 : 400;
            return Results.Json(new ControlDocument(action, database, false, ex.Error.Message, ex.Error.Hint is { } hint ? [hint] : []),
                AdminJsonContext.Api.ControlDocument, statusCode: status);
        }
    }

    private static IResult? Refuse(GatewayServer gateway) =>
        gateway.Config.AdminHttpToken.Length == 0
            ? Results.Text("forbidden: the control API needs admin_http_token set (anyone who can reach this port could otherwise pause or kill the database)\n",
                "text/plain; charset=utf-8", statusCode: 403)
            : null;
}
