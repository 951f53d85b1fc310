using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace PoolGuard.Http;

/// <summary>Source-generated serialisers for the admin API: no reflection, trimming- and AOT-safe.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, WriteIndented = false)]
[JsonSerializable(typeof(IReadOnlyList<PoolDocument>))]
[JsonSerializable(typeof(IReadOnlyList<ClientDocument>))]
[JsonSerializable(typeof(IReadOnlyList<ServerDocument>))]
[JsonSerializable(typeof(IReadOnlyList<StatsDocument>))]
[JsonSerializable(typeof(EventPage))]
[JsonSerializable(typeof(ReadinessDocument))]
[JsonSerializable(typeof(ControlDocument))]
[JsonSerializable(typeof(DatabaseList))]
[JsonSerializable(typeof(DatabaseDetail))]
[JsonSerializable(typeof(AlertList))]
[JsonSerializable(typeof(PoolGuard.Monitoring.Diagnosis.DiagnosisReport))]
[JsonSerializable(typeof(PoolGuard.Monitoring.Diagnosis.DiagnosisEvidence))]
internal sealed partial class AdminJsonContext : JsonSerializerContext
{
    /// <summary>
    /// The serialisers the endpoints use: as <c>Default</c>, but writing
    /// <c>&gt;</c>, <c>&lt;</c>, <c>&amp;</c>, <c>'</c> and non-ASCII text as themselves, so an alert's expression reads
    /// <c>&gt;= 0.8</c> in curl and not <c>\u003E= 0.8</c>. The documents are served as application/json only.
    /// </summary>
    public static AdminJsonContext Api { get; } =
        new(new JsonSerializerOptions
        {
            PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower, // as the attribute says for Default
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        });
}
