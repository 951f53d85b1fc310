using PoolGuard.Gateway.Hosting;
using PoolGuard.Monitoring.Diagnosis;
using PoolGuard.Monitoring.Watcher;

namespace PoolGuard.Http;

/// <summary>
/// GET /api/diagnosis?seconds=N: the gateway observed once a second for N seconds (default 5, at most 60), its
/// evidence events of the last minute and its watcher's samples, judged by the <see cref="Diagnoser"/>.
/// GET /api/diagnosis/evidence?seconds=N: the same evidence unjudged, for `poolguard diagnose --gateway` on
/// another machine, which adds its own database samples before judging. No extra load on PostgreSQL: the
/// database figures are the watcher's.
/// </summary>
internal static class DiagnosisEndpoints
{
    public const int DefaultSeconds = 5;
    public const int MaxSeconds = 60;

    public static void Map(RouteGroupBuilder guarded, GatewayServer gateway, DatabaseWatcher watcher)
    {
        guarded.MapGet("/api/diagnosis", async (int? seconds, CancellationToken cancellationToken) =>
        {
            if (BadSeconds(seconds) is { } bad)
            {
                return bad;
            }
            var evidence = await CollectAsync(gateway, watcher, seconds ?? DefaultSeconds, cancellationToken).ConfigureAwait(false);
            return Results.Json(Diagnoser.Diagnose(evidence, ["gateway (in process)"]), AdminJsonContext.Api.DiagnosisReport);
        });
        guarded.MapGet("/api/diagnosis/evidence", async (int? seconds, CancellationToken cancellationToken) =>
        {
            if (BadSeconds(seconds) is { } bad)
            {
                return bad;
            }
            var evidence = await CollectAsync(gateway, watcher, seconds ?? DefaultSeconds, cancellationToken).ConfigureAwait(false);
            return Results.Json(evidence, AdminJsonContext.Api.DiagnosisEvidence);
        });
    }

    private static IResult? BadSeconds(int? seconds) =>
        seconds is < 1 or > MaxSeconds
            ? Results.Json(new ControlDocument("diagnosis", null, false, $"seconds must be 1 to {MaxSeconds}, got {seconds}", []),
                AdminJsonContext.Api.ControlDocument, statusCode: 400)
            : null;

    public static async Task<DiagnosisEvidence> CollectAsync(GatewayServer gateway, DatabaseWatcher watcher, int seconds, CancellationToken cancellationToken)
    {
        var observed = await EvidenceCollector.CollectAsync(TimeSpan.FromSeconds(seconds),
            () => EvidenceCollector.Observe(gateway.View, gateway.Config.MaxClientConn, DateTimeOffset.UtcNow), null, null, cancellationToken).ConfigureAwait(false);

        // The watcher's samples of the window, and the one just before it (at the default 5 s interval a 5 s window
        // may hold none of its own); older ones are the baseline.
        var window = new List<DatabaseSample>();
        var baseline = new List<DatabaseSample>();
        foreach (var latest in watcher.Snapshot.Latest)
        {
            var history = watcher.History(latest.Database);
            var before = history.LastOrDefault(s => s.TakenAt < observed.From);
            window.AddRange(history.Where(s => s.TakenAt >= observed.From || ReferenceEquals(s, before)));
            baseline.AddRange(history.Where(s => s.TakenAt < observed.From && !ReferenceEquals(s, before)));
        }
        return observed with
        {
            Events = EvidenceCollector.Incidents(gateway.View, observed.From - EvidenceCollector.LookBack),
            Database = window,
            Baseline = baseline,
        };
    }
}
