using System.Globalization;
using PoolGuard.Monitoring.Watcher;

namespace PoolGuard.Monitoring.Diagnosis;

/// <summary>The evidence read once into what every check asks: the latest sample per database, the gateway's first and last observation, rates.</summary>
internal sealed class DiagnosisFacts
{
    public DiagnosisFacts(DiagnosisEvidence evidence)
    {
        Evidence = evidence;
        Samples = [.. evidence.Database.OrderBy(s => s.TakenAt)];
        Up = [.. Samples.Where(s => s.State == SampleState.Up)];
        Latest = [.. Samples.GroupBy(s => s.Database, StringComparer.Ordinal).Select(g => g.Last())];
        LatestUp = [.. Up.GroupBy(s => s.Database, StringComparer.Ordinal).Select(g => g.Last())];
        First = evidence.Gateway.Count > 0 ? evidence.Gateway[0] : null;
        Last = evidence.Gateway.Count > 0 ? evidence.Gateway[^1] : null;
    }

    public DiagnosisEvidence Evidence { get; }
    public IReadOnlyList<DatabaseSample> Samples { get; }
    public IReadOnlyList<DatabaseSample> Up { get; }

    /// <summary>The last sample of each database, up or down: its state now.</summary>
    public IReadOnlyList<DatabaseSample> Latest { get; }

    /// <summary>The last sample of each database that reached it.</summary>
    public IReadOnlyList<DatabaseSample> LatestUp { get; }

    public GatewayObservation? First { get; }
    public GatewayObservation? Last { get; }

    public bool HasDatabase => Samples.Count > 0;
    public bool HasGateway => Last is not null;

    public double GatewaySeconds => First is null || Last is null ? 0 : (Last.At - First.At).TotalSeconds;

    /// <summary>PostgreSQL's answer when it is out of connection slots (53300), as the watcher or the gateway saw it.</summary>
    public static bool IsOutOfSlots(string? error) =>
        error is not null && (error.Contains("53300", StringComparison.Ordinal) || error.Contains("too many clients", StringComparison.OrdinalIgnoreCase)
            || error.Contains("connection slots are reserved", StringComparison.OrdinalIgnoreCase));

    /// <summary>New sessions per second in the cluster between two samples of one database (pg_stat_database.sessions).</summary>
    public static double? SessionRate(IReadOnlyList<DatabaseSample> samples)
    {
        var up = samples.Where(s => s.State == SampleState.Up).GroupBy(s => s.Database, StringComparer.Ordinal).MaxBy(g => g.Count())?.ToList();
        if (up is null || up.Count < 2 || up[^1].TakenAt <= up[0].TakenAt)
        {
            return null;
        }
        return Math.Max(0, up[^1].Sessions - up[0].Sessions) / (up[^1].TakenAt - up[0].TakenAt).TotalSeconds;
    }

    public static string Percent(double share) => string.Create(CultureInfo.InvariantCulture, $"{share * 100:0} %");

    public static string Seconds(double seconds) =>
        seconds >= 10 ? string.Create(CultureInfo.InvariantCulture, $"{seconds:0} s") : string.Create(CultureInfo.InvariantCulture, $"{seconds:0.0#} s");

    public static string Number(double value) => string.Create(CultureInfo.InvariantCulture, $"{value:0.#}");
}
