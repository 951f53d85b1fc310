using PoolGuard.Gateway.Events;
using PoolGuard.Gateway.View;
using PoolGuard.Monitoring.Watcher;

namespace PoolGuard.Monitoring.Diagnosis;

/// <summary>
/// Gathers a diagnosis' evidence: observes the gateway and/or samples the database once a second for the
/// window. Reading the gateway costs a pool snapshot; sampling a database is the watcher's one batch.
/// </summary>
public static class EvidenceCollector
{
    public static readonly TimeSpan Step = TimeSpan.FromSeconds(1);

    /// <summary>How far back events and the watcher's samples count: a refusal episode is reported once, at its start.</summary>
    public static readonly TimeSpan LookBack = TimeSpan.FromMinutes(1);

    /// <param name="observeGateway">One observation of the gateway now; null when the gateway is not read.</param>
    /// <param name="sampleDatabase">One sample of the database now; null when it is not sampled here.</param>
    public static async Task<DiagnosisEvidence> CollectAsync(
        TimeSpan window, Func<GatewayObservation>? observeGateway, Func<CancellationToken, Task<DatabaseSample>>? sampleDatabase,
        TimeProvider? time, CancellationToken cancellationToken)
    {
        time ??= TimeProvider.System;
        var from = time.GetUtcNow();
        var gateway = new List<GatewayObservation>();
        var database = new List<DatabaseSample>();
        var rounds = Math.Max(2, (int)Math.Round(window / Step) + 1); // both ends of the window: a rate needs two
        for (var round = 0; round < rounds; round++)
        {
            var started = time.GetTimestamp();
            if (observeGateway is not null)
            {
                gateway.Add(observeGateway());
            }
            if (sampleDatabase is not null)
            {
                database.Add(await sampleDatabase(cancellationToken).ConfigureAwait(false));
            }
            if (round < rounds - 1)
            {
                var wait = Step - time.GetElapsedTime(started);
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, time, cancellationToken).ConfigureAwait(false);
                }
            }
        }
        return new DiagnosisEvidence { From = from, To = time.GetUtcNow(), Gateway = gateway, Database = database };
    }

    /// <summary>The gateway as it is now, through its read surface.</summary>
    public static GatewayObservation Observe(IGatewayView view, int maxClientConnections, DateTimeOffset at)
    {
        var pools = view.Pools().Select(p => new PoolObservation(
            p.Key.Database, p.Key.User, p.ClientsActive, p.ClientsWaiting, p.ServersActive, p.ServersIdle, p.PoolSize, p.MaxWait.TotalSeconds)).ToList();
        var stats = view.Stats();
        return new GatewayObservation(at, pools, view.State().ClientConnections, maxClientConnections,
            stats.Sum(s => s.Totals.XactCount), stats.Sum(s => s.Totals.QueryCount),
            stats.Sum(s => s.Totals.QueryTimeMicroseconds) / 1e6, stats.Sum(s => s.Totals.ClientConnectCount));
    }

    /// <summary>The gateway's evidence events since <paramref name="since"/>.</summary>
    public static IReadOnlyList<GatewayIncident> Incidents(IGatewayView view, DateTimeOffset since) =>
    [
        .. view.EventsSince(0)
            .Where(e => e.Time >= since)
            .Select(e => (Event: e, Kind: EventKindNames.Of(e.Kind)))
            .Where(e => DiagnosisEvidence.EvidenceKinds.Contains(e.Kind))
            .Select(e => new GatewayIncident(e.Event.Time, e.Kind, e.Event.Pool, e.Event.Detail, e.Event.Numbers)),
    ];
}
