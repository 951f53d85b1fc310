using System.Text.Json.Serialization;
using PoolGuard.Incidents.Model;

namespace PoolGuard.Incidents.Store;

/// <summary>The record as the store keeps it and `incident export --json` writes it: snake_case, enums by name.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, WriteIndented = true, UseStringEnumConverter = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(Incident))]
public sealed partial class IncidentJson : JsonSerializerContext;
