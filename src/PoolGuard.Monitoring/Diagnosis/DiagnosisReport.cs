using System.Text.Json.Serialization;

namespace PoolGuard.Monitoring.Diagnosis;

/// <summary>How the system is doing, worst first in meaning; the CLI's exit code is the number.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<Health>))]
public enum Health
{
    [JsonStringEnumMemberName("healthy")] Healthy = 0,
    [JsonStringEnumMemberName("degraded")] Degraded = 1,
    [JsonStringEnumMemberName("failing")] Failing = 2,
    [JsonStringEnumMemberName("unknown")] Unknown = 3,
}

[JsonConverter(typeof(JsonStringEnumConverter<FindingStatus>))]
public enum FindingStatus
{
    /// <summary>The numbers show this cause at work now.</summary>
    [JsonStringEnumMemberName("confirmed")] Confirmed,

    /// <summary>Some of its signs, not enough to say it is the cause.</summary>
    [JsonStringEnumMemberName("possible")] Possible,

    /// <summary>The numbers say it is not this — shown, because ruling out is half a diagnosis.</summary>
    [JsonStringEnumMemberName("ruled_out")] RuledOut,

    /// <summary>Nothing was read that could tell (the source was not given or could not be read).</summary>
    [JsonStringEnumMemberName("no_data")] NoData,
}

[JsonConverter(typeof(JsonStringEnumConverter<Cause>))]
public enum Cause
{
    [JsonStringEnumMemberName("connection_exhaustion")] ConnectionExhaustion,
    [JsonStringEnumMemberName("pool_saturation")] PoolSaturation,
    [JsonStringEnumMemberName("slow_queries")] SlowQueries,
    [JsonStringEnumMemberName("lock_contention")] LockContention,
    [JsonStringEnumMemberName("idle_in_transaction")] IdleInTransaction,
    [JsonStringEnumMemberName("traffic_surge")] TrafficSurge,
    [JsonStringEnumMemberName("database_unreachable")] DatabaseUnreachable,
}

/// <summary>
/// One candidate cause, judged: its status, what it would mean for the system if confirmed, a one-line summary
/// with the deciding numbers, and every number behind it. <see cref="Score"/> orders findings of one status.
/// </summary>
public sealed record Finding(Cause Cause, string Title, FindingStatus Status, Health Impact, double Score, string Summary, IReadOnlyList<string> Evidence);

/// <summary>A diagnosis: the verdict, every candidate cause ranked by evidence (confirmed first), and what was read.</summary>
public sealed record DiagnosisReport(
    Health Health, string Verdict, DateTimeOffset From, DateTimeOffset To, IReadOnlyList<Finding> Findings, IReadOnlyList<string> Sources);
