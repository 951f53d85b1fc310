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
internal sealed partial class AdminJsonContext : JsonSerializerContext;
